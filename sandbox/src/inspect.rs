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
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{yabetoo, yassir, INTENTS_MOUNT};

/// One provider intent as the simulator holds it. Amounts are in the currency's minor unit
/// (hundredths of DZD, MAD and USD at Yassir; whole francs of XAF at Yabetoo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldIntent {
    /// `yassir` or `yabetoo`.
    pub provider: &'static str,
    pub intent_id: String,
    /// The merchant's payment the intent was created for: Yassir's
    /// `metaData.paymentCheckoutId`, else its `actionId`; Yabetoo's `metadata.paymentId`.
    pub payment_id: Option<String>,
    /// Yassir's `actionId` (none at Yabetoo).
    pub action_id: Option<String>,
    /// The merchant's order: `metaData.order` (Yassir) or `metadata.order` (Yabetoo).
    pub order: Option<String>,
    /// The provider's status in its own words: Yassir `created`, `requires_action`,
    /// `pre_authorized`, `succeeded`, `failed`, `canceled`, `partially_refunded`, `refunded`;
    /// Yabetoo `pending`, `processing`, `succeeded`, `failed`, `expired`.
    pub status: &'static str,
    /// Yassir's `statusCode` (none at Yabetoo).
    pub status_code: Option<u16>,
    pub amount: i64,
    pub currency: String,
    /// Held for a reservation not yet captured or released.
    pub reserved: i64,
    /// Taken from the shopper: captured at Yassir, each succeeded charge at Yabetoo.
    pub captured: i64,
    pub refunded: i64,
    /// Proceeded (Yassir) or confirmed (Yabetoo) at least once: no money moves through an
    /// intent that never was.
    pub submitted: bool,
    /// Yabetoo: the confirm attempts (charges) made on the intent.
    pub charges: Option<usize>,
    /// How many times the merchant asked where the intent stands (Yassir check, Yabetoo
    /// retrieve).
    pub checks: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The same moment, to sort by.
    #[serde(skip)]
    pub(crate) created: time::OffsetDateTime,
}

impl HeldIntent {
    /// `created_at` in RFC 3339 for `at`.
    pub(crate) fn timestamp(at: time::OffsetDateTime) -> String {
        at.to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

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
