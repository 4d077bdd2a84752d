//! Payments for the core's tests: a Yassir Cash payment of 1500.00 DZD in the given status.

use checkout_contract::{MethodKind, Payment, PaymentStatus};

pub fn payment(status: PaymentStatus) -> Payment {
    Payment {
        id: "pay_1".into(),
        order: "demo-dz".into(),
        method: MethodKind::YassirCash,
        amount_minor: 150_000,
        currency: "DZD".into(),
        status,
        next_action: None,
        client_secret: None,
        phone: None,
        end_user_message: None,
        support: None,
        failure: None,
        expires_at: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
    }
}
