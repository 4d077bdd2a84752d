//! Yassir's Check: one check of an intent, and the check that confirms a final proceed, since
//! a proceed's answer says only what happened.

use reqwest::Method;

use super::answer::{expiry_read, status_from_answer};
use super::transport::send;
use super::YassirClient;
use crate::providers::{IntentRef, ProviderError, ProviderStatus};

impl YassirClient {
    /// One Check of the intent, read (the expiry included).
    pub(super) async fn check_once(
        &self,
        intent: &IntentRef,
    ) -> Result<ProviderStatus, ProviderError> {
        let path = format!("/payments/intents/{}/check", intent.intent_id);
        let request = self
            .shopper_request(
                Method::GET,
                &path,
                intent.language.as_deref(),
                &intent.country_alpha3,
            )
            .header("x-client-secret", &intent.client_secret);
        let answer = send(request).await?;
        if let Err(ProviderError::Mismatch(detail)) = self.check_answer_money(intent, &answer) {
            return Ok(ProviderStatus::mismatch(&detail));
        }
        Ok(expiry_read(
            intent,
            status_from_answer(&answer)?,
            self.clock.now(),
        ))
    }

    /// Proceed's answer says only what happened; Check adds the shopper's message and the
    /// support contact, so a final answer is checked at once. Two answers that disagree are no
    /// answer ([`ProviderError::Disagree`]); another amount is the check's word. A check that
    /// fails adds nothing, and the proceed's answer stands.
    pub(super) async fn confirmed_by_check(
        &self,
        intent: &IntentRef,
        proceeded: ProviderStatus,
    ) -> Result<ProviderStatus, ProviderError> {
        if !proceeded.status.is_final() || proceeded.is_mismatch() {
            return Ok(proceeded);
        }
        match self.check_once(intent).await {
            Ok(checked) if checked.is_mismatch() || checked.status == proceeded.status => {
                Ok(checked)
            }
            Ok(checked) => Err(ProviderError::Disagree(format!(
                "the proceed answered {} but the check {}",
                proceeded.raw, checked.raw
            ))),
            Err(error) => {
                tracing::warn!(intent = %intent.intent_id, %error, "check after proceed failed");
                Ok(proceeded)
            }
        }
    }
}
