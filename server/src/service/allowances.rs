//! The allowances every server on the database shares, since an attacker picks the phone and
//! the order: prompts per phone (each submit texts an OTP or pushes a USSD prompt to it),
//! creates per order, and creates per wallet phone (each registers the phone with Yassir). The
//! store keeps the count, so several servers allow a phone its prompts once, not once each.

use super::{PaymentService, ServiceError};
use crate::limits::{LimitSettings, Limited};
use crate::providers::SubmitDetails;
use crate::store::Allowance;

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// What the shared allowances allow; `None` for no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SharedAllowances {
    pub prompts_per_phone: Option<Allowance>,
    pub creates_per_order: Option<Allowance>,
    pub creates_per_phone: Option<Allowance>,
}

impl SharedAllowances {
    pub fn from_limits(limits: &LimitSettings) -> Self {
        Self {
            prompts_per_phone: Allowance::per(limits.per_phone_per_hour, HOUR_MS),
            creates_per_order: Allowance::per(limits.creates_per_order_per_minute, MINUTE_MS),
            creates_per_phone: Allowance::per(limits.creates_per_phone_per_hour, HOUR_MS),
        }
    }
}

/// A phone as the allowances count it: only its digits, so `+242 06…` and `24206…` are one.
fn phone_key(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

impl PaymentService {
    async fn take(
        &self,
        key: String,
        allowance: Option<Allowance>,
        what: &'static str,
    ) -> Result<(), ServiceError> {
        let Some(allowance) = allowance else {
            return Ok(());
        };
        let now = self.inner.clock.unix_millis();
        match self
            .inner
            .store
            .take_allowance(&key, allowance, now)
            .await?
        {
            None => Ok(()),
            Some(wait_ms) => Err(ServiceError::Limited(Limited {
                what,
                retry_after_secs: u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1),
            })),
        }
    }

    /// Charges a create for `order` (none for a demo product, each checkout of which is an
    /// order of its own) and the wallet `phone`: many addresses cannot together make one order
    /// or one phone create payment after payment. Call it once the request is known good, so
    /// that a refused create costs nothing.
    pub async fn charge_create(
        &self,
        order: Option<&str>,
        phone: Option<&str>,
    ) -> Result<(), ServiceError> {
        let allowances = self.inner.settings.allowances;
        if let Some(order) = order {
            self.take(
                format!("creates:order:{order}"),
                allowances.creates_per_order,
                "payments of this order",
            )
            .await?;
        }
        if let Some(phone) = phone {
            self.take(
                format!("creates:phone:{}", phone_key(phone)),
                allowances.creates_per_phone,
                "payments for this phone number",
            )
            .await?;
        }
        Ok(())
    }

    /// Charges the prompt a submit of `details` to payment `id` sends: to the Yassir wallet
    /// given at create, or to the mobile-money number. Charged only once the payment is known
    /// to take this submit, so that naming a victim's number to a payment that does not exist
    /// costs that number nothing.
    pub async fn charge_prompt(
        &self,
        id: &str,
        client_secret: &str,
        details: &SubmitDetails,
    ) -> Result<(), ServiceError> {
        let row = self.submittable(id, client_secret, details).await?;
        let phone = match details {
            SubmitDetails::YassirCash => row.phone,
            SubmitDetails::MobileMoney(details) => Some(details.msisdn.clone()),
        };
        match phone {
            Some(phone) => {
                self.take(
                    format!("prompts:{}", phone_key(&phone)),
                    self.inner.settings.allowances.prompts_per_phone,
                    "payments to this phone number",
                )
                .await
            }
            None => Ok(()),
        }
    }
}

impl PaymentService {
    /// Forgets the allowances that are whole again and the claims that ran out, so that the
    /// table stays as small as the traffic of the last hour.
    pub async fn forget_spent_leases(&self) {
        if let Err(error) = self
            .inner
            .store
            .prune_leases(self.inner.clock.unix_millis())
            .await
        {
            tracing::warn!(%error, "could not forget spent allowances");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_is_one_key_however_it_is_written() {
        assert_eq!(phone_key("+242 06 659 44 70"), phone_key("242066594470"));
    }

    #[test]
    fn zero_turns_an_allowance_off() {
        let none = SharedAllowances::from_limits(&LimitSettings {
            per_client_per_minute: 0,
            per_phone_per_hour: 0,
            notices_per_minute: 0,
            creates_per_order_per_minute: 0,
            creates_per_phone_per_hour: 0,
        });
        assert_eq!(none, SharedAllowances::default());
    }
}
