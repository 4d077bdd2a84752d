use super::*;
use std::collections::HashMap;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| map.get(name).cloned())
}

#[test]
fn defaults_run_the_sandbox_on_8787() {
    let config = config(&[]).unwrap();
    assert_eq!(config.bind.to_string(), "127.0.0.1:8787");
    assert_eq!(config.mode, ProviderMode::Sandbox);
    assert_eq!(
        config.yassir.base_url,
        "http://127.0.0.1:8787/sandbox/yassir"
    );
    assert_eq!(
        config.yabetoo.base_url,
        "http://127.0.0.1:8787/sandbox/yabetoo"
    );
    assert_eq!(
        config.redirect_origins,
        vec!["http://127.0.0.1:8787".to_string()]
    );
}

#[test]
fn port_and_bind_move_the_sandbox_too() {
    let config = config(&[("PORT", "9000"), ("BIND", "0.0.0.0")]).unwrap();
    assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(config.public_url, "http://127.0.0.1:9000");
    assert!(config.yassir.base_url.starts_with("http://127.0.0.1:9000/"));
}

#[test]
fn a_lan_bind_reaches_the_embedded_sandbox_and_the_demo_receiver_on_that_address() {
    let config = config(&[("PORT", "9100"), ("BIND", "192.168.1.20")]).unwrap();
    assert_eq!(
        config.yassir.base_url,
        "http://192.168.1.20:9100/sandbox/yassir"
    );
    assert_eq!(
        config.yabetoo.base_url,
        "http://192.168.1.20:9100/sandbox/yabetoo"
    );
    assert_eq!(
        config.webhooks.urls,
        vec!["http://192.168.1.20:9100/demo/webhooks".to_string()]
    );
    assert_eq!(
        config.sandbox.webhooks.yassir.unwrap().url,
        "http://192.168.1.20:9100/webhooks/yassir"
    );
}

/// A secret of this run's own: live mode refuses every value written in the repository.
fn fresh_secret() -> &'static str {
    Box::leak(crate::ids::random_id("live").into_boxed_str())
}

/// A `whsec_` secret of this run's own.
fn fresh_whsec() -> &'static str {
    use base64::Engine;
    let key: [u8; 32] = rand::random();
    let encoded = base64::engine::general_purpose::STANDARD.encode(key);
    Box::leak(format!("whsec_{encoded}").into_boxed_str())
}

/// Every variable live mode needs, with secrets of this run's own.
fn live_pairs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("PROVIDER_MODE", "live"),
        ("YASSIR_BASE_URL", "https://api.payment.yassir.io"),
        ("YASSIR_CLIENT_ID", "client"),
        ("YASSIR_CLIENT_SECRET", "secret"),
        ("YASSIR_SERVICE", "SHOP"),
        ("YABETOO_BASE_URL", "https://pay.api.yabetoopay.com"),
        ("YABETOO_SECRET_KEY", "sk_live_x"),
        ("ADMIN_TOKEN", fresh_secret()),
    ]
}

#[test]
fn live_mode_refuses_every_published_secret_and_weak_ones() {
    let mut base = live_pairs();
    base.extend([
        (
            "ORDER_SIGNING_SECRET",
            &*Box::leak(format!("{}{}", fresh_secret(), fresh_secret()).into_boxed_str()),
        ),
        ("WEBHOOK_URLS", "https://shop.example/hooks"),
        ("WEBHOOK_SECRET", fresh_whsec()),
        ("YABETOO_WEBHOOK_SECRET", fresh_whsec()),
        ("YASSIR_WEBHOOK_SECRET", fresh_whsec()),
    ]);
    let with = |variable: &'static str, value: &'static str| {
        let mut pairs: Vec<_> = base
            .iter()
            .filter(|(name, _)| *name != variable)
            .copied()
            .collect();
        pairs.push((variable, value));
        config(&pairs)
    };
    if let Err(error) = config(&base) {
        panic!("{}: {}", error.variable, error.message);
    }
    let published = [
        ("ADMIN_TOKEN", crate::secrets::SANDBOX_ADMIN_TOKEN),
        (
            "ORDER_SIGNING_SECRET",
            crate::secrets::SANDBOX_ORDER_SIGNING_SECRET,
        ),
        (
            "ORDER_SIGNING_SECRET",
            "a-merchant-signing-secret-of-32-chars-or-more",
        ),
        ("WEBHOOK_SECRET", crate::secrets::SANDBOX_WEBHOOK_SECRET),
        (
            "YABETOO_WEBHOOK_SECRET",
            checkout_sandbox::yabetoo::WEBHOOK_SECRET,
        ),
        (
            "YASSIR_WEBHOOK_SECRET",
            checkout_sandbox::yassir::WEBHOOK_SECRET,
        ),
    ];
    for (variable, value) in published {
        let error = with(variable, value).unwrap_err();
        assert_eq!(error.variable, variable);
        assert!(error.message.contains("published"), "{}", error.message);
        assert!(!error.message.contains(value), "the error shows no secret");
    }
    let short = with("ADMIN_TOKEN", "Zq8#kP2mXv4!").unwrap_err();
    assert!(short.message.contains("at least 24"), "{}", short.message);
    let simple = with(
        "ORDER_SIGNING_SECRET",
        "abababababababababababababababababab",
    )
    .unwrap_err();
    assert!(simple.message.contains("too simple"), "{}", simple.message);
    // The sandbox keeps its well-known defaults.
    assert!(config(&[]).is_ok());
}

#[test]
fn webhook_settings_are_checked() {
    let live = live_pairs();
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = live.to_vec();
        pairs.extend_from_slice(extra);
        config(&pairs)
    };
    let plain = with(&[]).unwrap();
    assert!(plain.webhooks.urls.is_empty());
    assert!(plain.webhooks.yabetoo_secret.is_none());
    assert_eq!(plain.reconcile_first_check, plain.check_interval);
    let error = with(&[("WEBHOOK_URLS", "https://shop.example/hooks")]).unwrap_err();
    assert_eq!(error.variable, "WEBHOOK_SECRET");
    let error = with(&[
        ("WEBHOOK_URLS", "http://shop.example/hooks"),
        ("WEBHOOK_SECRET", fresh_whsec()),
    ])
    .unwrap_err();
    assert_eq!(error.variable, "WEBHOOK_URLS");
    // Plain HTTP only to this machine's loopback, where nothing crosses a network.
    for local in [
        "http://127.0.0.1:9000/hooks",
        "http://localhost/in",
        "http://[::1]:81/",
    ] {
        let loopback = with(&[("WEBHOOK_URLS", local), ("WEBHOOK_SECRET", fresh_whsec())]);
        assert!(loopback.is_ok(), "{local}");
    }
    let error = with(&[
        ("WEBHOOK_URLS", "https://shop.example/hooks"),
        ("WEBHOOK_SECRET", "not-a-whsec"),
    ])
    .unwrap_err();
    assert_eq!(error.variable, "WEBHOOK_SECRET");
    assert!(!error.message.contains("not-a-whsec"));
    let rotating = with(&[
        (
            "WEBHOOK_URLS",
            "https://shop.example/hooks, https://erp.example/in",
        ),
        (
            "WEBHOOK_SECRET",
            Box::leak(format!("{} {}", fresh_whsec(), fresh_whsec()).into_boxed_str()),
        ),
        ("YABETOO_WEBHOOK_SECRET", fresh_whsec()),
    ])
    .unwrap();
    assert_eq!(rotating.webhooks.urls.len(), 2);
    assert_eq!(rotating.webhooks.secrets.len(), 2);
    assert_eq!(rotating.reconcile_first_check, Duration::from_secs(30));
    let off = config(&[("WEBHOOK_URLS", "off"), ("SANDBOX_WEBHOOKS", "off")]).unwrap();
    assert!(off.webhooks.urls.is_empty());
    assert!(off.sandbox.webhooks.yassir.is_none());
}

#[test]
fn live_mode_refuses_the_sandboxs_credentials_and_itself() {
    let live = |pairs: &[(&'static str, &'static str)]| {
        let mut all = vec![
            ("PROVIDER_MODE", "live"),
            ("PORT", "9200"),
            ("YASSIR_BASE_URL", "https://api.payment.yassir.io"),
            ("YASSIR_CLIENT_ID", "client"),
            ("YASSIR_CLIENT_SECRET", "issued-secret"),
            ("YASSIR_SERVICE", "SHOP"),
            ("YABETOO_BASE_URL", "https://pay.api.yabetoopay.com"),
            ("YABETOO_SECRET_KEY", "sk_live_issued"),
            ("ADMIN_TOKEN", fresh_secret()),
        ];
        all.extend_from_slice(pairs);
        config(&all)
    };
    assert!(live(&[]).is_ok());
    // A test key of the provider's own sandbox is the provider's: taken.
    assert!(live(&[
        ("YABETOO_SECRET_KEY", "sk_test_issued"),
        ("YABETOO_BASE_URL", "https://pay.sandbox.yabetoopay.com"),
    ])
    .is_ok());
    for (pairs, variable) in [
        (
            vec![("YASSIR_CLIENT_SECRET", "test_secret")],
            "YASSIR_CLIENT_SECRET",
        ),
        (
            vec![("YABETOO_SECRET_KEY", "sk_test_sandbox")],
            "YABETOO_SECRET_KEY",
        ),
        (
            vec![("YASSIR_BASE_URL", "http://127.0.0.1:9200/sandbox/yassir")],
            "YASSIR_BASE_URL",
        ),
        (
            vec![("YABETOO_BASE_URL", "http://localhost:9200/sandbox/yabetoo")],
            "YABETOO_BASE_URL",
        ),
    ] {
        let error = live(&pairs).unwrap_err();
        assert_eq!(error.variable, variable, "{pairs:?}");
        assert!(!error.message.contains("test_secret"), "{error}");
    }
}

#[test]
fn live_mode_names_the_missing_variable() {
    let error = config(&[("PROVIDER_MODE", "live")]).unwrap_err();
    assert_eq!(error.variable, "YASSIR_BASE_URL");
}

/// Every variable live mode needs, with Yassir's `base` and Yabetoo's `key`.
fn live(
    base: &str,
    key: &str,
    more: &[(&'static str, &'static str)],
) -> Result<Config, ConfigError> {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("PROVIDER_MODE", "live"),
        ("YASSIR_BASE_URL", base),
        ("YASSIR_CLIENT_ID", "client"),
        ("YASSIR_CLIENT_SECRET", "secret"),
        ("YASSIR_SERVICE", "EXT_SHOP"),
        ("YABETOO_BASE_URL", "https://pay.sandbox.yabetoopay.com"),
        ("YABETOO_SECRET_KEY", key),
        ("ADMIN_TOKEN", fresh_secret()),
    ];
    pairs.extend_from_slice(more);
    config(&pairs)
}

#[test]
fn staging_needs_the_origin_of_its_otp_pages() {
    let error = live(YASSIR_STAGING, "sk_test_x", &[]).unwrap_err();
    assert_eq!(error.variable, "REDIRECT_ORIGINS");
    let staging = live(
        YASSIR_STAGING,
        "sk_test_x",
        &[("REDIRECT_ORIGINS", "https://stg-otp.example")],
    )
    .unwrap();
    assert_eq!(staging.redirect_origins, ["https://stg-otp.example"]);
    assert!(staging.yassir_test_mode);
    let production = live(YASSIR_PRODUCTION, "sk_live_x", &[]).unwrap();
    assert_eq!(production.redirect_origins, [YASSIR_PRODUCTION_OTP]);
    assert!(!production.yassir_test_mode && !production.yabetoo_test_mode);
}

#[test]
fn the_yassir_path_prefix_is_set_or_left_out() {
    let default = live(YASSIR_PRODUCTION, "sk_live_x", &[]).unwrap();
    assert_eq!(default.yassir.api_prefix, "/api/v1");
    let none = live(
        YASSIR_PRODUCTION,
        "sk_live_x",
        &[("YASSIR_API_PREFIX", "none")],
    )
    .unwrap();
    assert_eq!(none.yassir.api_prefix, "");
    let in_the_url = live("https://api.payment.yassir.io/api/v1/", "sk_live_x", &[]).unwrap();
    assert_eq!(in_the_url.yassir.base_url, YASSIR_PRODUCTION);
    assert_eq!(in_the_url.yassir.api_prefix, "/api/v1");
    assert_eq!(in_the_url.redirect_origins, [YASSIR_PRODUCTION_OTP]);
    let error = live(
        YASSIR_PRODUCTION,
        "sk_live_x",
        &[("YASSIR_API_PREFIX", "v1")],
    )
    .unwrap_err();
    assert_eq!(error.variable, "YASSIR_API_PREFIX");
}

#[test]
fn test_numbers_follow_the_yabetoo_key() {
    let test_key = live(YASSIR_PRODUCTION, "sk_test_abc", &[]).unwrap();
    assert!(test_key.yabetoo_test_mode);
    let live_key = live(YASSIR_PRODUCTION, "sk_live_abc", &[]).unwrap();
    assert!(!live_key.yabetoo_test_mode);
}

#[test]
fn cameroon_is_offered_only_when_named_unverified() {
    assert!(config(&[]).unwrap().coverage.cameroon_unverified);
    assert!(
        !live(YASSIR_PRODUCTION, "sk_live_x", &[])
            .unwrap()
            .coverage
            .cameroon_unverified
    );
    let named = live(
        YASSIR_PRODUCTION,
        "sk_live_x",
        &[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "cm")],
    )
    .unwrap();
    assert!(named.coverage.cameroon_unverified);
    let off = config(&[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "none")]).unwrap();
    assert!(!off.coverage.cameroon_unverified);
    let error = config(&[("MOBILE_MONEY_UNVERIFIED_COUNTRIES", "ga")]).unwrap_err();
    assert_eq!(error.variable, "MOBILE_MONEY_UNVERIFIED_COUNTRIES");
}

#[test]
fn bad_numbers_are_refused() {
    let error = config(&[("PORT", "eighty")]).unwrap_err();
    assert_eq!(error.variable, "PORT");
}
