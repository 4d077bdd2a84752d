//! Endpoints the widget calls on behalf of the shopper.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use checkout_contract::{
    CheckoutSession, CreatePaymentRequest, MethodKind, Payment, SubmitRequest,
    CLIENT_SECRET_HEADER, IDEMPOTENCY_HEADER,
};
use serde::Deserialize;

use super::{ApiError, AppJson, AppQuery};
use crate::limits::ClientAddress;
use crate::providers::SubmitDetails;
use crate::service::{Created, NewPayment};
use crate::{validate, AppState};

#[derive(Deserialize)]
pub struct CheckoutQuery {
    order: Option<String>,
}

fn order_ref(value: Option<String>) -> Result<String, ApiError> {
    value
        .map(|order| order.trim().to_string())
        .filter(|order| !order.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "order",
                "order is required: the reference of the order to pay",
            )
        })
}

/// `GET /api/v1/checkout?order=REF`: the order and the methods offered for it.
pub async fn checkout_get(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<CheckoutQuery>,
) -> Result<Json<CheckoutSession>, ApiError> {
    let reference = order_ref(query.order)?;
    let order = state.service.find_order(&reference)?;
    Ok(Json(CheckoutSession {
        methods: state.service.methods(&order),
        test_mode: state.service.test_mode(&order),
        test_numbers: state.service.test_numbers(&order),
        redirect_origins: state.redirect_origins.to_vec(),
        order_state: state.service.order_state(&order).await?,
        order: order.summary(),
    }))
}

/// The shopper's language from the request's `Accept-Language` (which the browser sets, and the
/// widget sets to its own language): the first of `en`, `fr` and `ar` it names, in its order.
fn shopper_language(headers: &HeaderMap) -> Option<String> {
    let list = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)?
        .to_str()
        .ok()?;
    list.split(',')
        .filter_map(|item| {
            let tag = item.split(';').next()?.trim();
            let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
            ["en", "fr", "ar"]
                .contains(&primary.as_str())
                .then_some(primary)
        })
        .next()
}

/// `POST /api/v1/payments`: one payment per `Idempotency-Key`.
pub async fn payments_create(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    AppJson(request): AppJson<CreatePaymentRequest>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    state.limits.check_client(&client)?;
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .map(|value| value.to_str().unwrap_or("\u{0}"));
    let idempotency_key = validate::idempotency_key(key)?;
    let reference = order_ref(Some(request.order))?;
    let order = state.service.find_order(&reference)?;
    if !state.service.offers(&order, request.method) {
        return Err(ApiError::unprocessable(
            "method_not_offered",
            Some("method"),
            format!(
                "method `{}` is not offered for order `{reference}` ({})",
                request.method.as_str(),
                order.currency
            ),
        ));
    }
    let phone = match request.method {
        MethodKind::YassirCash => Some(validate::wallet_phone(
            request.phone.as_deref(),
            &order.yassir_dial_codes(),
        )?),
        MethodKind::MobileMoney => {
            if request.phone.is_some() {
                return Err(ApiError::bad_request(
                    "phone",
                    "phone is for Yassir Cash only; mobile-money numbers go in the submit request's msisdn",
                ));
            }
            None
        }
    };
    // Charged once the request is known good: a refused create costs the order nothing.
    let limited_order = (!order.product).then_some(order.reference.as_str());
    state
        .service
        .charge_create(limited_order, phone.as_deref())
        .await?;
    let new = NewPayment {
        idempotency_key,
        order,
        method: request.method,
        phone,
        language: shopper_language(&headers),
    };
    Ok(match state.service.create(new).await? {
        Created::New(payment) => (StatusCode::CREATED, Json(payment)),
        Created::Replayed(payment) => (StatusCode::OK, Json(payment)),
    })
}

/// The `Client-Secret` a shopper's request about one payment carries: the secret its create
/// answered. Without it a payment id reaches nothing.
fn client_secret(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(CLIENT_SECRET_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                CLIENT_SECRET_HEADER,
                "the Client-Secret header is required: the client_secret the payment's create answered",
            )
        })
}

/// `POST /api/v1/payments/{id}/submit`: proceed (Yassir Cash) or confirm (mobile money).
pub async fn payments_submit(
    State(state): State<AppState>,
    client: ClientAddress,
    Path(id): Path<String>,
    headers: HeaderMap,
    AppJson(request): AppJson<SubmitRequest>,
) -> Result<Json<Payment>, ApiError> {
    state.limits.check_client(&client)?;
    let secret = client_secret(&headers)?;
    let details = match request {
        SubmitRequest::YassirCash => SubmitDetails::YassirCash,
        SubmitRequest::MobileMoney(details) => SubmitDetails::MobileMoney(validate::mobile_money(
            details,
            state.service.mobile_money_test_numbers(),
            state.service.coverage(),
        )?),
    };
    // Each submit texts or prompts a phone, which the attacker may pick.
    state.service.charge_prompt(&id, secret, &details).await?;
    Ok(Json(
        state
            .service
            .submit(&id, secret, details, client.as_str())
            .await?,
    ))
}

/// `GET /api/v1/payments/{id}`: what the widget polls.
pub async fn payments_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Payment>, ApiError> {
    let secret = client_secret(&headers)?;
    Ok(Json(state.service.status(&id, secret).await?))
}
