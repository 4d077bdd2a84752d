//! Order tokens: the order a merchant signs for the widget, and the endpoint that signs it.

use serde::{Deserialize, Serialize};

use crate::merchant::CaptureMethod;
use crate::whole;

/// The order an order token carries, signed by the merchant so the browser cannot change the
/// amount. A token is `ot1.<payload>.<signature>`: the payload is the base64url JSON of this
/// type, the signature base64url HMAC-SHA256 of `ot1.<payload>` under the merchant's signing
/// secret. Signing and verifying are the server's; the shape is the contract's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenOrder {
    pub reference: String,
    pub description: String,
    #[serde(deserialize_with = "whole::number")]
    pub amount_minor: i64,
    pub currency: String,
    #[serde(default = "direct_capture")]
    pub capture: CaptureMethod,
    /// Unix seconds after which the token is refused.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::optional"
    )]
    pub expires_at: Option<i64>,
}

fn direct_capture() -> CaptureMethod {
    CaptureMethod::Direct
}

/// `POST /api/v1/admin/order-tokens`: the order to sign, its fields at the top level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderTokenRequest {
    #[serde(flatten)]
    pub order: TokenOrder,
    /// Lifetime of the token; without it (and without `expires_at`) the server's default.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole::optional"
    )]
    pub expires_in_seconds: Option<i64>,
}

/// The answer to [`OrderTokenRequest`]: the token to give the widget as its `order`, and the
/// order it carries, with the expiry the server set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderTokenResponse {
    pub token: String,
    pub order: TokenOrder,
}
