//! The merchant's own operations, behind the admin token: never reachable by a shopper.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use checkout_contract::{
    CaptureRequest, OrderTokenRequest, OrderTokenResponse, PaymentList, PaymentRecord,
    PaymentStatus, RefundRequest, IDEMPOTENCY_HEADER,
};
use serde::Deserialize;

use super::{ApiError, AppJson, AppQuery};
use crate::service::{OperationDone, Resolution};
use crate::store::ListFilter;
use crate::{validate, AppState};

/// Proof that the request carries the admin token.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        if crate::secrets::same(presented, &state.admin_token) {
            Ok(Admin)
        } else {
            Err(ApiError::Unauthorized)
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    order: Option<String>,
    limit: Option<u32>,
}

/// `GET /api/v1/admin/payments?status=&order=&limit=`: newest first.
pub async fn payments_list(
    _: Admin,
    State(state): State<AppState>,
    AppQuery(query): AppQuery<ListQuery>,
) -> Result<Json<PaymentList>, ApiError> {
    let status = match query.status {
        Some(value) => Some(
            value
                .parse::<PaymentStatus>()
                .map_err(|message| ApiError::bad_request("status", message))?,
        ),
        None => None,
    };
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "limit",
            "limit must be between 1 and 1000",
        ));
    }
    let payments = state
        .service
        .admin_list(ListFilter {
            status,
            order_ref: query.order,
            limit,
        })
        .await?;
    Ok(Json(PaymentList { payments }))
}

pub async fn payments_get(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PaymentRecord>, ApiError> {
    Ok(Json(state.service.admin_get(&id).await?))
}

/// The optional `Idempotency-Key` of a merchant operation: a repeat with the same key answers
/// the first operation's outcome instead of doing it again.
fn operation_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get(IDEMPOTENCY_HEADER) {
        None => Ok(None),
        Some(value) => Ok(Some(validate::idempotency_key(Some(
            value.to_str().unwrap_or("\u{0}"),
        ))?)),
    }
}

/// 200 with the payment once the provider did it; 202 while its outcome is being found out
/// (repeat the request with the same key, or read the payment, to learn it).
fn operation_answer(done: OperationDone) -> (StatusCode, Json<PaymentRecord>) {
    let status = if done.pending {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    (status, Json(done.record))
}

/// `POST /api/v1/admin/payments/{id}/capture`; an empty body captures everything reserved.
pub async fn payments_capture(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PaymentRecord>), ApiError> {
    let body = body.map_err(|_| ApiError::PayloadTooLarge)?;
    let key = operation_key(&headers)?;
    let request: CaptureRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CaptureRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(ApiError::from_json)?
    };
    let done = state
        .service
        .capture(&id, request.amount_minor, key)
        .await?;
    Ok(operation_answer(done))
}

pub async fn payments_release(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<PaymentRecord>), ApiError> {
    let key = operation_key(&headers)?;
    Ok(operation_answer(state.service.release(&id, key).await?))
}

pub async fn payments_refund(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    AppJson(request): AppJson<RefundRequest>,
) -> Result<(StatusCode, Json<PaymentRecord>), ApiError> {
    let key = operation_key(&headers)?;
    let description = request.description.trim();
    if description.is_empty() {
        return Err(ApiError::bad_request(
            "description",
            "description is required: why the money goes back",
        ));
    }
    let done = state
        .service
        .refund(
            &id,
            request.amount_minor,
            description,
            request.reason.as_deref(),
            key,
        )
        .await?;
    Ok(operation_answer(done))
}

/// `POST /api/v1/admin/payments/{id}/operations/{operation}/settle`: what the merchant saw at
/// the provider for a pending operation the server cannot decide by itself.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettleOperation {
    /// `succeeded` (the provider made it) or `refused` (it did not).
    outcome: String,
    note: Option<String>,
}

pub async fn operations_settle(
    _: Admin,
    State(state): State<AppState>,
    Path((id, operation)): Path<(String, String)>,
    AppJson(request): AppJson<SettleOperation>,
) -> Result<Json<PaymentRecord>, ApiError> {
    let done = match request.outcome.as_str() {
        "succeeded" => true,
        "refused" => false,
        _ => {
            return Err(ApiError::bad_request(
                "outcome",
                "outcome must be `succeeded` (the provider made it) or `refused` (it did not)",
            ))
        }
    };
    let record = state
        .service
        .settle_operation(&id, &operation, done, request.note.as_deref())
        .await?;
    Ok(Json(record))
}

/// The longest note the merchant may keep with a resolution.
const MAX_NOTE_CHARS: usize = 500;

/// `POST /api/v1/admin/payments/{id}/resolve`: what the merchant saw in the provider's
/// dashboard for a payment waiting for its attention.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolvePayment {
    /// `succeeded` (the provider took the money), `failed` (it did not) or `refunded` (it took
    /// it and the merchant gave it back).
    outcome: String,
    note: Option<String>,
}

pub async fn payments_resolve(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    AppJson(request): AppJson<ResolvePayment>,
) -> Result<Json<PaymentRecord>, ApiError> {
    let note = validate::note("note", request.note, MAX_NOTE_CHARS)?;
    let Some(outcome) = Resolution::parse(&request.outcome) else {
        return Err(ApiError::bad_request(
            "outcome",
            "outcome must be `succeeded` (the provider took the money), `failed` (it did not) or `refunded` (it took it and it was given back)",
        ));
    };
    let record = state
        .service
        .resolve_payment(&id, outcome, note.as_deref())
        .await?;
    Ok(Json(record))
}

/// The longest `expires_in_seconds` taken: 100 years.
const MAX_TOKEN_LIFETIME_SECONDS: i64 = 3_153_600_000;

/// `POST /api/v1/admin/order-tokens`: signs an order, as a merchant's backend would, so the
/// widget can be given `order = <token>`.
pub async fn order_tokens_create(
    _: Admin,
    State(state): State<AppState>,
    AppJson(request): AppJson<OrderTokenRequest>,
) -> Result<(StatusCode, Json<OrderTokenResponse>), ApiError> {
    let mut order = request.order;
    if let Some(seconds) = request.expires_in_seconds {
        if seconds <= 0 {
            return Err(ApiError::bad_request(
                "expires_in_seconds",
                "expires_in_seconds must be greater than 0",
            ));
        }
        if seconds > MAX_TOKEN_LIFETIME_SECONDS {
            return Err(ApiError::bad_request(
                "expires_in_seconds",
                format!(
                    "expires_in_seconds must be at most {MAX_TOKEN_LIFETIME_SECONDS} (100 years)"
                ),
            ));
        }
        let now = state.clock.unix_seconds();
        order.expires_at = Some(now.checked_add(seconds).ok_or_else(|| {
            ApiError::bad_request("expires_in_seconds", "expires_in_seconds is too large")
        })?);
    }
    let (token, order) = state.service.sign_order(&order)?;
    Ok((
        StatusCode::CREATED,
        Json(OrderTokenResponse { token, order }),
    ))
}
