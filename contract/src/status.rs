use serde::{Deserialize, Serialize};

/// Where a payment stands, in the contract's own words; each provider's codes map onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created at the provider, method details not yet submitted.
    Created,
    /// Submitted; the provider has not decided yet.
    Processing,
    /// The shopper must complete an action elsewhere (Yassir OTP page, statusCode 12).
    RequiresAction,
    /// Mobile money: the prompt is on the shopper's phone.
    AwaitingApproval,
    /// Paid (Yassir 2, Yabetoo `succeeded`).
    Succeeded,
    /// Declined by the provider or the shopper (Yassir 3, Yabetoo `failed`); a new attempt may work.
    Rejected,
    /// Funds reserved, waiting for the merchant to capture or release (Yassir 13).
    PreAuthorized,
    /// Not completed in time (Yabetoo `expired`, or past `expiresAt`).
    Expired,
    /// Reserved funds released (Yassir 10).
    Canceled,
    /// Fully refunded (Yassir 4).
    Refunded,
    /// Partly refunded (Yassir 16).
    PartiallyRefunded,
    /// Could not be completed because of an error (provider outage, unknown provider status).
    Failed,
}

impl PaymentStatus {
    /// True when the shopper's part is over: the widget stops polling.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            PaymentStatus::Created
                | PaymentStatus::Processing
                | PaymentStatus::RequiresAction
                | PaymentStatus::AwaitingApproval
        )
    }

    /// True when the shopper has paid or the funds are held for the merchant.
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            PaymentStatus::Succeeded
                | PaymentStatus::PreAuthorized
                | PaymentStatus::Refunded
                | PaymentStatus::PartiallyRefunded
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Created => "created",
            PaymentStatus::Processing => "processing",
            PaymentStatus::RequiresAction => "requires_action",
            PaymentStatus::AwaitingApproval => "awaiting_approval",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Rejected => "rejected",
            PaymentStatus::PreAuthorized => "pre_authorized",
            PaymentStatus::Expired => "expired",
            PaymentStatus::Canceled => "canceled",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
            PaymentStatus::Failed => "failed",
        }
    }

    pub const ALL: [PaymentStatus; 12] = [
        PaymentStatus::Created,
        PaymentStatus::Processing,
        PaymentStatus::RequiresAction,
        PaymentStatus::AwaitingApproval,
        PaymentStatus::Succeeded,
        PaymentStatus::Rejected,
        PaymentStatus::PreAuthorized,
        PaymentStatus::Expired,
        PaymentStatus::Canceled,
        PaymentStatus::Refunded,
        PaymentStatus::PartiallyRefunded,
        PaymentStatus::Failed,
    ];
}

impl std::str::FromStr for PaymentStatus {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        PaymentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| ["unknown payment status `", value, "`"].concat())
    }
}

impl std::fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name() {
        for status in PaymentStatus::ALL {
            assert_eq!(status.as_str().parse::<PaymentStatus>(), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert!("paid".parse::<PaymentStatus>().is_err());
    }

    #[test]
    fn waiting_states_are_not_final() {
        assert!(!PaymentStatus::RequiresAction.is_final());
        assert!(!PaymentStatus::AwaitingApproval.is_final());
        assert!(PaymentStatus::Rejected.is_final());
        assert!(PaymentStatus::PreAuthorized.is_final());
        assert!(PaymentStatus::PreAuthorized.is_paid());
        assert!(!PaymentStatus::Expired.is_paid());
    }
}
