//! A read-only view of what the simulators hold, at [`crate::INTENTS_MOUNT`]: every intent of
//! both providers, the merchant payment it names, its status and the money it moved. It is no
//! part of either provider's API; it is how a test compares a merchant's records with the
//! provider's own (did every payment end as the provider has it, was anything charged twice).
//!
//! `GET /sandbox/intents[?provider=yassir|yabetoo]` answers `{"intents": [intent, …]}`, oldest
//! first; 400 with `{"error": "…"}` for another provider. Each intent is a [`HeldIntent`]. The
//! one thing a test can change here, a late success, is [`crate::late`]'s.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::{yabetoo, yassir, INTENTS_MOUNT};

pub use crate::held::HeldIntent;

/// The simulators' state, as the inspection route reads it.
#[derive(Clone)]
pub(crate) struct Ledgers {
    pub yassir: yassir::Ledger,
    pub yabetoo: yabetoo::Ledger,
}

#[derive(Deserialize)]
struct Filter {
    provider: Option<String>,
}

pub(crate) fn routes(ledgers: Ledgers) -> Router {
    Router::new()
        .route(INTENTS_MOUNT, get(intents_list))
        .with_state(ledgers)
}

async fn intents_list(State(ledgers): State<Ledgers>, Query(filter): Query<Filter>) -> Response {
    let mut intents = match filter.provider.as_deref() {
        None => {
            let mut all = ledgers.yassir.intents();
            all.extend(ledgers.yabetoo.intents());
            all
        }
        Some("yassir") => ledgers.yassir.intents(),
        Some("yabetoo") => ledgers.yabetoo.intents(),
        Some(other) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "error": format!("provider must be `yassir` or `yabetoo` (got `{other}`)")
                })),
            )
                .into_response()
        }
    };
    intents.sort_by(|a, b| {
        (a.created, a.provider, &a.intent_id).cmp(&(b.created, b.provider, &b.intent_id))
    });
    Json(json!({ "intents": intents })).into_response()
}
