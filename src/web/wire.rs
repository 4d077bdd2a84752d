//! The contract's JSON, read and written with the browser's own `JSON.parse`/`JSON.stringify`.
//!
//! The widget could derive this with serde, but serde's generated code and a JSON parser were
//! about a third of the download; the browser already parses JSON. The price is that these
//! functions must follow the contract's serde attributes by hand, so `tests/wire.rs` checks each
//! one against serde's own output for every variant.
//!
//! Reading is lenient where serde is strict only for forward compatibility: an unknown method
//! offer is skipped, an unknown `next_action` is dropped. Anything else missing or mistyped is an
//! error naming the field.

use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, ErrorBody, ErrorResponse, Failure, MethodOffer,
    MobileMoneyCountry, NextAction, OrderState, OrderSummary, Payment, PaymentStatus, PhoneCountry,
    SubmitRequest, SupportInfo,
};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::JsValue;

/// A JSON object as parsed by the browser.
pub struct Json(JsValue);

type Result<T> = std::result::Result<T, String>;

/// Parses JSON text.
pub fn parse(text: &str) -> Result<Json> {
    JSON::parse(text)
        .map(Json)
        .map_err(|_| "the body is not JSON".to_string())
}

impl Json {
    fn get(&self, key: &str) -> Option<JsValue> {
        if !self.0.is_object() {
            return None;
        }
        Reflect::get(&self.0, &JsValue::from_str(key))
            .ok()
            .filter(|value| !value.is_undefined() && !value.is_null())
    }

    fn object(&self, key: &str) -> Result<Json> {
        self.get(key)
            .filter(JsValue::is_object)
            .map(Json)
            .ok_or_else(|| missing(key))
    }

    fn opt_object(&self, key: &str) -> Option<Json> {
        self.get(key).filter(JsValue::is_object).map(Json)
    }

    fn string(&self, key: &str) -> Result<String> {
        self.get(key)
            .and_then(|value| value.as_string())
            .ok_or_else(|| missing(key))
    }

    fn opt_string(&self, key: &str) -> Option<String> {
        self.get(key).and_then(|value| value.as_string())
    }

    fn integer(&self, key: &str) -> Result<i64> {
        let number = self
            .get(key)
            .and_then(|value| value.as_f64())
            .ok_or_else(|| missing(key))?;
        if number.fract() != 0.0 || number.abs() > 9_007_199_254_740_991.0 {
            return Err(["`", key, "` is not an integer"].concat());
        }
        Ok(number as i64)
    }

    /// The strings of an array that may be absent (empty then); anything else in it is skipped.
    fn opt_strings(&self, key: &str) -> Result<Vec<String>> {
        match self.get(key) {
            Some(_) => Ok(self
                .array(key)?
                .iter()
                .filter_map(|item| item.0.as_string())
                .collect()),
            None => Ok(Vec::new()),
        }
    }

    fn array(&self, key: &str) -> Result<Vec<Json>> {
        let value = self.get(key).ok_or_else(|| missing(key))?;
        if !Array::is_array(&value) {
            return Err(["`", key, "` is not an array"].concat());
        }
        Ok(Array::from(&value).iter().map(Json).collect())
    }
}

fn missing(key: &str) -> String {
    ["`", key, "` is missing or mistyped"].concat()
}

/// `GET /checkout`.
pub fn checkout_session(json: &Json) -> Result<CheckoutSession> {
    let order = json.object("order")?;
    let mut methods = Vec::new();
    for offer in json.array("methods")? {
        let offer = match offer.string("type")?.as_str() {
            "yassir_cash" => MethodOffer::YassirCash {
                countries: offer
                    .array("countries")?
                    .iter()
                    .map(|c| {
                        Ok(PhoneCountry {
                            code: c.string("code")?,
                            dial_code: c.string("dial_code")?,
                        })
                    })
                    .collect::<Result<_>>()?,
            },
            "mobile_money" => MethodOffer::MobileMoney {
                countries: offer
                    .array("countries")?
                    .iter()
                    .map(|c| {
                        Ok(MobileMoneyCountry {
                            code: c.string("code")?,
                            dial_code: c.string("dial_code")?,
                            operators: c
                                .array("operators")?
                                .iter()
                                .map(|op| op.0.as_string().unwrap_or_default().parse())
                                .collect::<Result<_>>()?,
                        })
                    })
                    .collect::<Result<_>>()?,
            },
            // A method this widget does not know yet: not offered here.
            _ => continue,
        };
        methods.push(offer);
    }
    let redirect_origins = json.opt_strings("redirect_origins")?;
    Ok(CheckoutSession {
        order: OrderSummary {
            reference: order.string("reference")?,
            description: order.string("description")?,
            amount_minor: order.integer("amount_minor")?,
            currency: order.string("currency")?,
        },
        methods,
        test_mode: json
            .get("test_mode")
            .and_then(|value| value.as_bool())
            .unwrap_or(false),
        test_numbers: json.opt_strings("test_numbers")?,
        redirect_origins,
        // A state this widget does not know is left to the server's answer to Pay.
        order_state: match json
            .get("order_state")
            .and_then(|v| v.as_string())
            .as_deref()
        {
            Some("in_flight") => OrderState::InFlight,
            Some("on_hold") => OrderState::OnHold,
            Some("paid") => OrderState::Paid,
            _ => OrderState::Open,
        },
    })
}

/// Every payment answer.
pub fn payment(json: &Json) -> Result<Payment> {
    let status = json.string("status")?;
    let next_action = json.opt_object("next_action").and_then(|action| {
        match action.opt_string("type")?.as_str() {
            "redirect" => Some(NextAction::Redirect {
                url: action.opt_string("url")?,
            }),
            "approve_on_phone" => Some(NextAction::ApproveOnPhone {
                phone: action.opt_string("phone")?,
            }),
            _ => None,
        }
    });
    let failure = match json.opt_object("failure") {
        Some(failure) => Some(Failure {
            code: failure.string("code")?,
            message: failure.string("message")?,
        }),
        None => None,
    };
    Ok(Payment {
        id: json.string("id")?,
        order: json.string("order")?,
        method: json.string("method")?.parse()?,
        amount_minor: json.integer("amount_minor")?,
        currency: json.string("currency")?,
        status: status.parse::<PaymentStatus>()?,
        next_action,
        client_secret: json.opt_string("client_secret"),
        phone: json.opt_string("phone"),
        end_user_message: json.opt_string("end_user_message"),
        support: json.opt_object("support").map(|support| SupportInfo {
            email: support.opt_string("email"),
            phone_number: support.opt_string("phone_number"),
        }),
        failure,
        expires_at: json.opt_string("expires_at"),
        created_at: json.string("created_at")?,
        updated_at: json.string("updated_at")?,
    })
}

/// Every error answer, when it is the contract's.
pub fn error_response(json: &Json) -> Option<ErrorResponse> {
    let error = json.opt_object("error")?;
    Some(ErrorResponse {
        error: ErrorBody {
            code: error.opt_string("code")?,
            message: error.opt_string("message").unwrap_or_default(),
            field: error.opt_string("field"),
        },
    })
}

/// Builds a JSON object from `(key, value)` pairs, leaving out `None`s like the contract's
/// `skip_serializing_if`.
pub struct Writer(Object);

impl Writer {
    pub fn new() -> Self {
        Writer(Object::new())
    }

    pub fn str(self, key: &str, value: &str) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &JsValue::from_str(value));
        self
    }

    pub fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.str(key, value),
            None => self,
        }
    }

    pub fn number(self, key: &str, value: f64) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &JsValue::from_f64(value));
        self
    }

    pub fn bool(self, key: &str, value: bool) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &JsValue::from_bool(value));
        self
    }

    pub fn value(self, key: &str, value: &JsValue) -> Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), value);
        self
    }

    /// The object itself, for JavaScript rather than the wire.
    pub fn into_object(self) -> Object {
        self.0
    }

    pub fn finish(self) -> String {
        JSON::stringify(&self.0)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default()
    }
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

/// `POST /payments` body.
pub fn create_request(request: &CreatePaymentRequest) -> String {
    Writer::new()
        .str("order", &request.order)
        .str("method", request.method.as_str())
        .opt_str("phone", request.phone.as_deref())
        .finish()
}

/// `POST /payments/{id}/submit` body (internally tagged by `type`).
pub fn submit_request(request: &SubmitRequest) -> String {
    match request {
        SubmitRequest::YassirCash => Writer::new().str("type", "yassir_cash").finish(),
        SubmitRequest::MobileMoney(details) => Writer::new()
            .str("type", "mobile_money")
            .str("country", &details.country)
            .str("operator", details.operator.as_str())
            .str("msisdn", &details.msisdn)
            .opt_str("first_name", details.first_name.as_deref())
            .opt_str("last_name", details.last_name.as_deref())
            .opt_str("receipt_email", details.receipt_email.as_deref())
            .finish(),
    }
}

/// For `storage`: the reading side of [`Writer`].
pub(crate) fn read_string(json: &Json, key: &str) -> Option<String> {
    json.opt_string(key)
}

pub(crate) fn read_integer(json: &Json, key: &str) -> Option<i64> {
    json.integer(key).ok()
}
