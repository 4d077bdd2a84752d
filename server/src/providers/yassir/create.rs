//! The calls a create makes before its intent exists: the wallet phone registered as a Yassir
//! customer, then the intent created under an `actionId`.

use checkout_contract::CaptureMethod;
use reqwest::Method;
use serde_json::{json, Value};

use super::transport::send;
use super::YassirClient;
use crate::providers::{CreateIntent, ProviderError};

/// Name under which the shopper's wallet phone is registered as a Yassir customer.
const CUSTOMER_NAME: &str = "Checkout customer";

impl YassirClient {
    /// Registers the wallet phone as a customer. The docs answer 201, or 409 when the phone is
    /// already registered ("safe to ignore"). Any other refusal (staging reportedly answers 400,
    /// in the words of `x-locale`) is settled by looking the phone up: listed, the customer is
    /// there; not listed, the create cannot go on, and says so.
    pub(super) async fn register_customer(
        &self,
        phone: &str,
        request: &CreateIntent,
    ) -> Result<(), ProviderError> {
        let language = request.language.as_deref();
        let country = &request.country_alpha3;
        let registration = self
            .shopper_request(Method::POST, "/customers", language, country)
            .json(&json!({ "name": CUSTOMER_NAME, "phone": phone, "isActive": true }));
        let refusal = match send(registration).await {
            Ok(_) => return Ok(()),
            Err(ProviderError::Refused { code, .. }) if code == "conflict" => return Ok(()),
            Err(ProviderError::Refused { code, message }) => (code, message),
            Err(error) => return Err(error),
        };
        let search = self.shopper_request(
            Method::GET,
            &format!("/customers/search/{}", phone.replace('+', "%2B")),
            language,
            country,
        );
        match send(search).await {
            Ok(_) => Ok(()),
            Err(ProviderError::NotFound(_)) => {
                let (code, message) = refusal;
                tracing::warn!(%code, provider_message = %message, "Yassir refused to register a wallet phone as a customer, and does not list it");
                Err(ProviderError::Refused {
                    code: "customer_not_registered".into(),
                    message: "Yassir did not register the wallet phone as a customer".into(),
                })
            }
            Err(error) => Err(error),
        }
    }

    /// `POST /payments/intents` with `action_id` as the `actionId`.
    pub(super) async fn send_create(
        &self,
        request: &CreateIntent,
        phone: &str,
        action_id: &str,
    ) -> Result<Value, ProviderError> {
        let capture_method = match request.capture {
            CaptureMethod::Direct => "DIRECT",
            CaptureMethod::Reservation => "RESERVATION",
        };
        let body = json!({
            "actionId": action_id,
            "amount": Self::major_units(request.amount_minor, &request.currency)?,
            "actionCurrencyCode": request.currency,
            "actionCountryCode": request.country_alpha3,
            "userId": phone,
            "captureMethod": capture_method,
            "metaData": { "paymentCheckoutId": request.payment_id, "order": request.order },
        });
        let http_request = self
            .shopper_request(
                Method::POST,
                "/payments/intents",
                request.language.as_deref(),
                &request.country_alpha3,
            )
            .query(&[("countryCode", request.country_alpha3.as_str())])
            .json(&body);
        send(http_request).await
    }
}
