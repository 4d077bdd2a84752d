//! `/payments/intents` (create, proceed, check, capture, release) and `/payments/:id/refund`.

use super::api::{self, ApiError, Body};
use super::model::{
    self, amount_text, messages, now, CaptureMethod, Code, Intent, NewIntent, Scenario, Store,
};
use super::words::{self, say};
use super::Sim;
use crate::SandboxConfig;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Currencies the simulator takes, as in Yassir's docs.
const CURRENCIES: [&str; 3] = ["DZD", "MAD", "USD"];

/// `POST /payments/intents?countryCode=DZA`: 201 for a new intent, 200 for a replayed `actionId`
/// (409 with [`crate::Strict::duplicate_action_id_conflict`]). The customer is created on the
/// fly unless [`crate::Strict::customer_must_exist`].
pub(super) async fn create(
    State(sim): State<Sim>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    api::require_json_content(&headers, &body, Body::Required)?;
    let country = country_query(&uri)?;
    let fields = api::json_object(&body, Body::Required)?;
    let request = parse_new_intent(&fields)?;
    let strict = sim.config.strict;
    let language = words::language(&headers, strict.language);
    if strict.wallet_country {
        let wallet = checkout_numbering::parse_international(
            &request.user_id,
            &checkout_numbering::Country::ALL,
        );
        if let Ok(wallet) = wallet {
            let expected = wallet.country.alpha3();
            if country != expected || request.action_country != expected {
                return Err(ApiError::bad_request(say(language, words::WRONG_COUNTRY)));
            }
        }
    }

    let at = now();
    let mut store = sim.lock();
    store.forget_older_than(at - sim.config.intent_retention);
    if let Some(existing) = store
        .by_action
        .get(&request.action_id)
        .and_then(|id| store.intents.get(id))
    {
        let message = match (
            existing.is_same_payment(&request),
            strict.duplicate_action_id_conflict,
        ) {
            (true, false) => {
                return Ok((StatusCode::OK, Json(existing.created_body())).into_response())
            }
            (true, true) => words::ACTION_ID_USED,
            (false, _) => words::ACTION_ID_OTHER_PAYMENT,
        };
        return Err(ApiError::new(StatusCode::CONFLICT, say(language, message)));
    }
    if strict.customer_must_exist {
        if store.customer_by_phone(&request.user_id).is_none() {
            return Err(ApiError::bad_request(say(
                language,
                words::CUSTOMER_UNKNOWN,
            )));
        }
    } else {
        store.ensure_customer(&request.user_id);
    }
    let intent = Intent::new(request, sim.config.yassir_intent_ttl, at);
    let body = intent.created_body();
    store
        .by_action
        .insert(intent.request.action_id.clone(), intent.id.clone());
    store.intents.insert(intent.id.clone(), intent);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `POST /payments/intents/:id/proceed` `{"paymentMethodCode":"WALLET_V2"}` with `x-client-secret`.
pub(super) async fn proceed(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    let secret = api::require_header(&headers, "x-client-secret")?;
    api::check_country_header(&headers)?;
    api::require_json_content(&headers, &body, Body::Required)?;

    let scenario = {
        let mut store = sim.lock();
        let intent = intent_for_client(&mut store, &id, secret)?;
        let fields = api::json_object(&body, Body::Required)?;
        match fields.get("paymentMethodCode") {
            Some(Value::String(code)) if code == "WALLET_V2" => {}
            _ => {
                return Err(ApiError::bad_request(
                    "paymentMethodCode is required and must be WALLET_V2",
                ))
            }
        }
        check_still_payable(intent)?;
        if intent.code == Code::RequiresAction {
            return Ok(ok(intent.proceeded_body()));
        }
        Scenario::for_user(&intent.request.user_id)
    };

    match scenario {
        Scenario::ProviderError => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ));
        }
        // The lock is released while the "wallet" is slow, so other requests go on.
        Scenario::Slow => tokio::time::sleep(sim.config.slow_delay).await,
        _ => {}
    }

    let base = public_base(&sim.config, &headers);
    let mut store = sim.lock();
    let intent = intent_by_id(&mut store, &id)?;
    check_still_payable(intent)?;
    intent.proceeded = true;
    // A concurrent proceed may have moved the intent on while this one slept: answer its state.
    if intent.code == Code::Initialized {
        let at = now();
        match scenario {
            Scenario::Succeed => intent.approve(at),
            Scenario::Reject => intent.reject(messages::REJECTED_BY_WALLET, at),
            Scenario::InsufficientFunds => intent.reject(messages::INSUFFICIENT_FUNDS, at),
            Scenario::Otp | Scenario::Slow | Scenario::Expiring | Scenario::ProviderError => {
                intent.pay_url = Some(pay_url(&base, intent));
                intent.set(Code::RequiresAction, messages::AWAITING_OTP, at);
            }
        }
        // Yassir notifies a proceed's success or failure, not the OTP step.
        if intent.code != Code::RequiresAction {
            sim.notify(intent);
        }
    }
    Ok(ok(intent.proceeded_body()))
}

/// `GET /payments/intents/:id/check` with `x-client-secret`. With
/// [`crate::Strict::check_hides_operations`] it shows no refund or release, only what came before.
pub(super) async fn check(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    let secret = api::require_header(&headers, "x-client-secret")?;
    let language = words::language(&headers, sim.config.strict.language);
    let mut store = sim.lock();
    let intent = intent_for_client(&mut store, &id, secret)?;
    intent.checks += 1;
    let hide_operations = sim.config.strict.check_hides_operations;
    Ok(ok(intent.checked_body(hide_operations, |message| {
        say(language, message)
    })))
}

/// `POST /payments/intents/:id/capture` `{amount?}`: from 13 only; a partial capture releases the rest.
pub(super) async fn capture(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    api::require_json_content(&headers, &body, Body::Optional)?;
    let mut store = sim.lock();
    let intent = intent_by_id(&mut store, &id)?;
    let fields = api::json_object(&body, Body::Optional)?;
    let amount = api::optional_amount(&fields, "amount")?;
    if intent.code != Code::PreAuthorized {
        return Err(ApiError::bad_request("payment is not pre-authorized"));
    }
    let amount = amount.unwrap_or(intent.reserved);
    if amount > intent.reserved {
        return Err(ApiError::bad_request(format!(
            "amount must not exceed the reserved amount of {}",
            amount_text(intent.reserved)
        )));
    }
    intent.captured = amount;
    intent.reserved = 0;
    intent.set(Code::Succeeded, messages::SUCCEEDED, now());
    sim.notify(intent);
    Ok(ok(settlement_body(
        Code::Succeeded,
        "payment captured successfully",
    )))
}

/// `POST /payments/intents/:id/release`: from 13 only; gives the whole reservation back (10).
pub(super) async fn release(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    api::require_json_content(&headers, &body, Body::Optional)?;
    let mut store = sim.lock();
    let intent = intent_by_id(&mut store, &id)?;
    api::json_object(&body, Body::Optional)?;
    if intent.code != Code::PreAuthorized {
        return Err(ApiError::bad_request("payment is not pre-authorized"));
    }
    intent.reserved = 0;
    intent.set(Code::Reversed, messages::RELEASED, now());
    sim.notify(intent);
    Ok(ok(settlement_body(
        Code::Reversed,
        "payment released successfully",
    )))
}

/// `POST /payments/:paymentId/refund` `{description, amount?, reason?}`: from 2 or 16, any number
/// of partial refunds up to what was captured.
pub(super) async fn refund(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    api::require_json_content(&headers, &body, Body::Required)?;
    let mut store = sim.lock();
    let intent = intent_by_id(&mut store, &id)?;
    let fields = api::json_object(&body, Body::Required)?;
    api::required_string(&fields, "description")?;
    api::optional_string(&fields, "reason")?;
    let amount = api::optional_amount(&fields, "amount")?;
    match intent.code {
        Code::Succeeded | Code::PartiallyRefunded => {}
        Code::Refunded => {
            return Err(ApiError::bad_request(
                "payment has already been fully refunded",
            ))
        }
        _ => {
            return Err(ApiError::bad_request(
                "only a captured payment (statusCode 2 or 16) can be refunded",
            ))
        }
    }
    let refundable = intent.captured - intent.refunded;
    let amount = amount.unwrap_or(refundable);
    if amount > refundable {
        return Err(ApiError::bad_request(format!(
            "refund amount exceeds the refundable balance of {}",
            amount_text(refundable)
        )));
    }
    intent.refunded += amount;
    let (code, message) = if intent.refunded == intent.captured {
        (Code::Refunded, messages::REFUNDED)
    } else {
        (Code::PartiallyRefunded, messages::PARTIALLY_REFUNDED)
    };
    intent.set(code, message, now());
    sim.notify(intent);
    let body = json!({
        "data": {
            "statusCode": code.number(),
            "status": code.label(),
            "paymentOrderId": intent.request.action_id,
            "microServiceTransactionId": null,
            "errorMessage": { "internalErrorMessage": null, "providerErrorMessage": null },
        },
        "message": "Payment refunded successfully",
    });
    Ok(ok(body))
}

fn ok(body: Value) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

/// Capture and release answers: note Yassir's `metaData` casing here, unlike proceed's `metadata`.
fn settlement_body(code: Code, message: &str) -> Value {
    json!({
        "data": { "status": code.label(), "statusCode": code.number(), "metaData": { "payUrl": "" } },
        "message": message,
    })
}

fn intent_not_found() -> ApiError {
    ApiError::not_found("payment intent not found")
}

/// The intent, with its expiry brought up to date.
fn intent_by_id<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut Intent, ApiError> {
    let intent = store.intents.get_mut(id).ok_or_else(intent_not_found)?;
    intent.refresh_expiry(now());
    Ok(intent)
}

/// The intent, when the caller holds its payment-scoped client secret.
fn intent_for_client<'a>(
    store: &'a mut Store,
    id: &str,
    secret: &str,
) -> Result<&'a mut Intent, ApiError> {
    let intent = intent_by_id(store, id)?;
    if intent.client_secret != secret {
        return Err(ApiError::unauthorized(
            "x-client-secret: the client secret does not match this payment intent",
        ));
    }
    Ok(intent)
}

/// Proceed works on an intent that is neither expired nor decided (its expiry refreshed by
/// `intent_by_id`).
fn check_still_payable(intent: &Intent) -> Result<(), ApiError> {
    if intent.expired {
        return Err(ApiError::bad_request("payment intent expired"));
    }
    match intent.code {
        Code::Initialized | Code::RequiresAction => Ok(()),
        _ => Err(ApiError::bad_request("payment intent already processed")),
    }
}

/// The required `countryCode` query parameter (ISO alpha-3).
fn country_query(uri: &Uri) -> Result<String, ApiError> {
    let query = Query::<HashMap<String, String>>::try_from_uri(uri)
        .map_err(|error| ApiError::bad_request(format!("query string is invalid: {error}")))?;
    match query.get("countryCode").map(|code| code.trim()) {
        None | Some("") => {
            Err(ApiError::bad_request("countryCode query parameter is required (ISO 3166-1 alpha-3, e.g. DZA)"))
        }
        Some(code) if api::is_alpha3(code) => Ok(code.to_string()),
        Some(code) => Err(ApiError::bad_request(format!(
            "countryCode query parameter must be an ISO 3166-1 alpha-3 code such as DZA, MAR or TUN (got `{code}`)"
        ))),
    }
}

fn parse_new_intent(fields: &Map<String, Value>) -> Result<NewIntent, ApiError> {
    let action_id = api::required_string(fields, "actionId")?;
    let amount = api::optional_amount(fields, "amount")?.ok_or_else(|| {
        ApiError::bad_request("amount is required (a number greater than 0, in major units)")
    })?;
    let currency = api::required_string(fields, "actionCurrencyCode")?;
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(ApiError::bad_request(format!(
            "actionCurrencyCode must be one of DZD, MAD, USD (got `{currency}`)"
        )));
    }
    let action_country = api::required_string(fields, "actionCountryCode")?;
    if !api::is_alpha3(&action_country) {
        return Err(ApiError::bad_request(format!(
            "actionCountryCode must be an ISO 3166-1 alpha-3 code such as DZA (got `{action_country}`)"
        )));
    }
    let user_id = api::required_string(fields, "userId")?;
    let capture = match api::optional_string(fields, "captureMethod")?.as_deref() {
        None | Some("DIRECT") => CaptureMethod::Direct,
        Some("RESERVATION") => CaptureMethod::Reservation,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "captureMethod must be DIRECT or RESERVATION (got `{other}`)"
            )))
        }
    };
    let meta_data = match fields.get("metaData") {
        None | Some(Value::Null) => Value::Null,
        Some(meta @ Value::Object(_)) => meta.clone(),
        Some(_) => return Err(ApiError::bad_request("metaData must be an object")),
    };
    Ok(NewIntent {
        action_id,
        amount,
        currency,
        action_country,
        user_id,
        capture,
        meta_data,
    })
}

/// Where the shopper's browser reaches this server: the configured base, else this request's host.
fn public_base(config: &SandboxConfig, headers: &HeaderMap) -> String {
    if let Some(base) = &config.public_base_url {
        return base.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The OTP page link, shaped like Yassir's (`…/otp/verify?requestId=…&phone=…&amount=…&currency=…`).
fn pay_url(base: &str, intent: &Intent) -> String {
    let amount = match model::amount_json(intent.request.amount) {
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    };
    format!(
        "{base}{mount}/otp/verify?requestId={id}&phone={phone}&amount={amount}&currency={currency}",
        mount = crate::YASSIR_MOUNT,
        id = intent.id,
        phone = model::digits(&intent.request.user_id),
        currency = intent.request.currency,
    )
}
