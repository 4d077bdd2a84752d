//! Payments and sessions for the core's tests.

use checkout_contract::{
    CheckoutSession, MethodKind, MethodOffer, MobileMoneyCountry, Operator, OrderState,
    OrderSummary, Payment, PaymentStatus, PhoneCountry,
};

/// A Yassir Cash payment of 1500.00 DZD in the given status.
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

/// A session of order `demo-cg` (50.00 XAF, open, live) offering `methods`.
pub fn session(methods: Vec<MethodOffer>) -> CheckoutSession {
    CheckoutSession {
        order: OrderSummary {
            reference: "demo-cg".into(),
            description: "Order".into(),
            amount_minor: 5000,
            currency: "XAF".into(),
        },
        methods,
        test_mode: false,
        test_numbers: Vec::new(),
        redirect_origins: Vec::new(),
        order_state: OrderState::Open,
    }
}

/// Yassir Cash in Algeria.
pub fn yassir_offer() -> MethodOffer {
    MethodOffer::YassirCash {
        countries: vec![PhoneCountry {
            code: "dz".into(),
            dial_code: "213".into(),
        }],
    }
}

/// Mobile money in Congo (MTN, Airtel) and Cameroon (MTN).
pub fn momo_offer() -> MethodOffer {
    MethodOffer::MobileMoney {
        countries: vec![
            MobileMoneyCountry {
                code: "cg".into(),
                dial_code: "242".into(),
                operators: vec![Operator::Mtn, Operator::Airtel],
            },
            MobileMoneyCountry {
                code: "cm".into(),
                dial_code: "237".into(),
                operators: vec![Operator::Mtn],
            },
        ],
    }
}
