//! What a provider's answer makes of a payment's record: how far along it moves it, when a
//! final payment may still change, and the details it carries. Pure, tested natively.

use checkout_contract::PaymentStatus;

use crate::providers::ProviderStatus;
use crate::store::{Attention, Decider, PaymentRow, IN_FLIGHT};

/// How far along a payment is; a provider answer never moves a payment backwards.
fn progress(status: PaymentStatus) -> u8 {
    match status {
        PaymentStatus::Created => 0,
        PaymentStatus::Processing => 1,
        PaymentStatus::RequiresAction | PaymentStatus::AwaitingApproval => 2,
        _ => 3,
    }
}

/// Whether an answer says the provider takes (or holds) the shopper's money now; a refund says
/// it took it earlier, which a late answer cannot tell.
fn takes_money(status: PaymentStatus) -> bool {
    matches!(
        status,
        PaymentStatus::Succeeded | PaymentStatus::PreAuthorized
    )
}

pub(in crate::service) fn in_flight(row: &PaymentRow) -> bool {
    IN_FLIGHT.contains(&row.status)
}

/// The payment once `answer`, given by `decider`, is recorded on it, or `None` when the answer
/// says nothing new (earlier than what is recorded, or about a payment already decided).
pub(super) fn settled(
    row: &PaymentRow,
    answer: &ProviderStatus,
    decider: Decider,
) -> Option<(PaymentRow, String)> {
    if row.status.is_final() {
        return reopened(row, answer, decider);
    }
    if progress(answer.status) < progress(row.status) {
        return None;
    }
    // "Not started yet" says nothing definite about a payment sent to the provider.
    if answer.status == PaymentStatus::Created && row.status != PaymentStatus::Created {
        return None;
    }
    let mut updated = row.clone();
    updated.status = answer.status;
    updated.outcome_unknown = None;
    if answer.pay_url.is_some() {
        updated.pay_url.clone_from(&answer.pay_url);
    }
    take_details(&mut updated, answer);
    if updated.status.is_final() {
        updated.decided_by = Some(decider);
        // The provider's word ends a wait for it; what else needs the merchant stays.
        if decider == Decider::Provider && updated.attention == Some(Attention::NoDefiniteAnswer) {
            updated.attention = None;
        }
    }
    if answer.is_mismatch() {
        updated.attention = Some(Attention::AmountMismatch);
    }
    if updated == *row {
        return None;
    }
    let detail = match decider {
        Decider::Server => answer.raw.clone(),
        _ if updated.status == row.status => format!("the provider answered {}", answer.raw),
        _ => answer.raw.clone(),
    };
    Some((updated, detail))
}

/// A final payment changes only on the provider's word, in two cases: the server closed it on
/// its own clock (a success or another amount overrides the close, another final status
/// confirms it), or the merchant recorded an outcome the provider's answer contradicts (put
/// before the merchant again).
fn reopened(
    row: &PaymentRow,
    answer: &ProviderStatus,
    decider: Decider,
) -> Option<(PaymentRow, String)> {
    let disagrees = |updated: &mut PaymentRow, what: &str| {
        tracing::error!(
            alert = "provider_disagrees",
            payment = %row.id,
            answer = %answer.raw,
            "ALERT: the provider's answer disagrees with the payment's record; the payment waits for the merchant"
        );
        updated.attention = Some(Attention::ProviderDisagrees);
        format!("the provider answered {} although {what}", answer.raw)
    };
    // The merchant recorded what the dashboard showed: a definite answer of the provider that
    // says otherwise about the money is put before the merchant again, never dropped.
    if row.decided_by == Some(Decider::Merchant) && decider == Decider::Provider {
        let disagreement = (takes_money(answer.status) && !row.status.is_paid())
            || (answer.status.is_final() && !answer.status.is_paid() && row.status.is_paid());
        if !disagreement || row.attention.is_some() {
            return None;
        }
        let mut updated = row.clone();
        let detail = disagrees(&mut updated, "the merchant recorded otherwise");
        return Some((updated, detail));
    }
    if !row.provisional() || decider != Decider::Provider {
        return None;
    }
    let mut updated = row.clone();
    updated.decided_by = Some(Decider::Provider);
    // The provider's word ends a wait for it.
    if updated.attention == Some(Attention::NoDefiniteAnswer) && answer.status.is_final() {
        updated.attention = None;
    }
    let detail = if answer.is_mismatch() {
        updated.status = PaymentStatus::Failed;
        take_details(&mut updated, answer);
        updated.attention = Some(Attention::AmountMismatch);
        format!("the provider answered late: {}", answer.raw)
    } else if takes_money(answer.status) {
        updated.status = answer.status;
        take_details(&mut updated, answer);
        format!(
            "the provider answered late {}: it overrides the server's close",
            answer.raw
        )
    } else if answer.status.is_paid() {
        // Refunded before it was ever seen paid: nothing here can say what happened.
        disagrees(&mut updated, "the server had closed it")
    } else if answer.status.is_final() {
        format!(
            "the provider confirms the server's close: it answered {}",
            answer.raw
        )
    } else {
        return None;
    };
    Some((updated, detail))
}

/// What an answer adds to a payment besides its status: the shopper's message, the support
/// contact, the failure (cleared by a success).
fn take_details(updated: &mut PaymentRow, answer: &ProviderStatus) {
    if answer.end_user_message.is_some() {
        updated
            .end_user_message
            .clone_from(&answer.end_user_message);
    }
    if let Some(support) = &answer.support {
        updated.support_email.clone_from(&support.email);
        updated.support_phone.clone_from(&support.phone_number);
    }
    if let Some((code, message)) = &answer.failure {
        updated.failure_code = Some(code.clone());
        updated.failure_message = Some(message.clone());
    } else if answer.status.is_paid() {
        updated.failure_code = None;
        updated.failure_message = None;
    }
    if answer.status == PaymentStatus::Succeeded && updated.captured_minor == 0 {
        updated.captured_minor = updated.amount_minor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::PaymentRow;

    fn row(status: PaymentStatus) -> PaymentRow {
        PaymentRow::sample(status)
    }

    #[test]
    fn a_late_success_overrides_only_the_servers_close() {
        let success = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
        let mut closed = row(PaymentStatus::Failed);
        closed.decided_by = Some(Decider::Server);
        closed.failure_code = Some("not_submitted".into());
        let (late, detail) = settled(&closed, &success, Decider::Provider).unwrap();
        assert_eq!(late.status, PaymentStatus::Succeeded);
        assert_eq!(late.decided_by, Some(Decider::Provider));
        assert_eq!(late.failure_code, None);
        assert_eq!(late.captured_minor, late.amount_minor);
        assert!(detail.contains("late"), "{detail}");

        // The server's own clock never reopens what it closed.
        assert!(settled(&closed, &success, Decider::Server).is_none());
        // Nor does anything reopen what the provider closed.
        let mut decided = closed.clone();
        decided.decided_by = Some(Decider::Provider);
        assert!(settled(&decided, &success, Decider::Provider).is_none());
        // A close never sent to the provider stays closed.
        let mut never_sent = closed.clone();
        never_sent.submitted_at = None;
        assert!(settled(&never_sent, &success, Decider::Provider).is_none());
    }

    #[test]
    fn the_providers_final_word_confirms_the_servers_close() {
        let rejected = ProviderStatus {
            failure: Some(("rejected".into(), "no".into())),
            ..ProviderStatus::plain(PaymentStatus::Rejected, "statusCode 3")
        };
        let mut closed = row(PaymentStatus::Expired);
        closed.decided_by = Some(Decider::Server);
        let (confirmed, _) = settled(&closed, &rejected, Decider::Provider).unwrap();
        assert_eq!(confirmed.status, PaymentStatus::Expired);
        assert_eq!(confirmed.decided_by, Some(Decider::Provider));
        assert!(!confirmed.followed_up());
        // Still undecided at the provider: nothing changes, and it stays followed up.
        let waiting = ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12");
        assert!(settled(&closed, &waiting, Decider::Provider).is_none());
        assert!(closed.followed_up());
    }

    #[test]
    fn another_amount_fails_the_payment_and_holds_its_order() {
        let answer = ProviderStatus::mismatch("amount 150001 instead of 150000 (minor units)");
        let (failed, _) = settled(
            &row(PaymentStatus::RequiresAction),
            &answer,
            Decider::Provider,
        )
        .unwrap();
        assert_eq!(failed.status, PaymentStatus::Failed);
        assert_eq!(failed.attention, Some(Attention::AmountMismatch));
        assert!(failed.followed_up());
    }

    #[test]
    fn the_providers_final_word_ends_the_wait_for_it() {
        let mut waiting = row(PaymentStatus::AwaitingApproval);
        waiting.attention = Some(Attention::NoDefiniteAnswer);
        let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "succeeded");
        let (done, _) = settled(&waiting, &answer, Decider::Provider).unwrap();
        assert_eq!(done.attention, None);
        assert_eq!(done.decided_by, Some(Decider::Provider));
    }

    #[test]
    fn a_final_payment_never_changes() {
        for status in PaymentStatus::ALL.into_iter().filter(|s| s.is_final()) {
            let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
            assert!(
                settled(&row(status), &answer, Decider::Provider).is_none(),
                "{status}"
            );
        }
    }

    #[test]
    fn an_earlier_state_says_nothing() {
        let created = ProviderStatus::plain(PaymentStatus::Created, "statusCode 0");
        assert!(settled(&row(PaymentStatus::Processing), &created, Decider::Provider).is_none());
        assert!(settled(
            &row(PaymentStatus::RequiresAction),
            &created,
            Decider::Provider
        )
        .is_none());
        let processing = ProviderStatus::plain(PaymentStatus::Processing, "processing");
        assert!(settled(
            &row(PaymentStatus::AwaitingApproval),
            &processing,
            Decider::Provider
        )
        .is_none());
    }

    #[test]
    fn a_definite_answer_ends_the_unknown_outcome() {
        let answer = ProviderStatus {
            pay_url: Some("https://otp/1".into()),
            ..ProviderStatus::plain(PaymentStatus::RequiresAction, "statusCode 12")
        };
        let (updated, _) =
            settled(&row(PaymentStatus::Processing), &answer, Decider::Provider).unwrap();
        assert_eq!(updated.status, PaymentStatus::RequiresAction);
        assert_eq!(updated.outcome_unknown, None);
        assert_eq!(updated.pay_url.as_deref(), Some("https://otp/1"));
    }

    #[test]
    fn the_same_status_only_clears_the_unknown_outcome() {
        let answer = ProviderStatus::plain(PaymentStatus::Processing, "processing");
        let (updated, detail) =
            settled(&row(PaymentStatus::Processing), &answer, Decider::Provider).unwrap();
        assert_eq!(updated.outcome_unknown, None);
        assert!(detail.contains("processing"), "{detail}");
        let mut known = row(PaymentStatus::Processing);
        known.outcome_unknown = None;
        assert!(settled(&known, &answer, Decider::Provider).is_none());
    }

    #[test]
    fn success_captures_the_whole_amount() {
        let answer = ProviderStatus::plain(PaymentStatus::Succeeded, "statusCode 2");
        let (updated, _) = settled(
            &row(PaymentStatus::RequiresAction),
            &answer,
            Decider::Provider,
        )
        .unwrap();
        assert_eq!(updated.captured_minor, 150_000);
    }
}
