//! `/customers`: register a wallet customer by phone and look customers up.

use super::api::{self, ApiError, Body};
use super::words::{self, say};
use super::Sim;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// `POST /customers` `{name, phone, email?, isActive?}`: 201, or 409 with the existing customer
/// (400 with [`crate::Strict::customer_must_exist`]).
pub(super) async fn create(
    State(sim): State<Sim>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    api::require_json_content(&headers, &body, Body::Required)?;
    let fields = api::json_object(&body, Body::Required)?;
    let name = api::required_string(&fields, "name")?;
    let phone = api::required_string(&fields, "phone")?;
    if !is_international_phone(&phone) {
        return Err(ApiError::bad_request(format!(
            "phone must be in international format: + followed by 8 to 15 digits, e.g. +213555123456 (got `{phone}`)"
        )));
    }
    let email = api::optional_string(&fields, "email")?;
    if email.as_deref().is_some_and(|email| !email.contains('@')) {
        return Err(ApiError::bad_request("email must be a valid email address"));
    }
    let is_active = match fields.get("isActive") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(active)) => *active,
        Some(_) => return Err(ApiError::bad_request("isActive must be a boolean")),
    };

    let language = words::language(&headers, sim.config.strict.language);
    let mut store = sim.lock();
    if let Some(existing) = store.customer_by_phone(&phone) {
        // The docs answer 409; staging reportedly answers 400 with its own words.
        let status = if sim.config.strict.customer_must_exist {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::CONFLICT
        };
        return Err(ApiError::new(status, say(language, words::CUSTOMER_EXISTS))
            .with_data(existing.to_json()));
    }
    let customer = store.add_customer(name, email, phone, is_active);
    Ok(success(
        StatusCode::CREATED,
        "Successfully created customer",
        customer.to_json(),
    ))
}

/// `GET /customers/:id`.
pub(super) async fn get_by_id(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    let store = sim.lock();
    let customer = store
        .customers
        .get(&id)
        .ok_or_else(|| ApiError::not_found("customer not found"))?;
    Ok(success(
        StatusCode::OK,
        "Successfully retrieved customer",
        customer.to_json(),
    ))
}

/// `GET /customers/search/:phone`.
pub(super) async fn search(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(phone): Path<String>,
) -> Result<Response, ApiError> {
    api::admit(&sim.config, &headers)?;
    let store = sim.lock();
    let customer = store
        .customer_by_phone(&phone)
        .ok_or_else(|| ApiError::not_found("customer not found"))?;
    Ok(success(
        StatusCode::OK,
        "Successfully retrieved customer",
        customer.to_json(),
    ))
}

/// The customers API's documented envelope.
fn success(status: StatusCode, message: &str, data: Value) -> Response {
    let body =
        json!({ "code": status.as_u16(), "status": "success", "message": message, "data": data });
    (status, Json(body)).into_response()
}

fn is_international_phone(phone: &str) -> bool {
    phone.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.bytes().all(|byte| byte.is_ascii_digit())
    })
}
