//! The strict switches (`SANDBOX_STRICT`): the stricter reading of what the providers leave
//! undocumented, each on its own, over real HTTP.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use checkout_sandbox::{SandboxConfig, Strict};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn start(strict: Strict, faults: &str) -> String {
    let config = SandboxConfig {
        strict,
        faults: checkout_sandbox::FaultRule::parse_list(faults).unwrap(),
        ..SandboxConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, checkout_sandbox::router(config))
            .await
            .unwrap()
    });
    origin
}

/// A Yassir call with valid credentials and headers, and `x-locale` when given.
async fn yassir(
    origin: &str,
    path: &str,
    body: Value,
    locale: Option<&str>,
) -> (StatusCode, Value) {
    let credentials = STANDARD.encode("test_client:test_secret");
    let mut request = reqwest::Client::new()
        .post(format!("{origin}/sandbox/yassir{path}"))
        .header("Authorization", format!("Bearer {credentials}"))
        .header("x-platform", "API")
        .header("x-service", "EXT_TEST")
        .json(&body);
    if let Some(locale) = locale {
        request = request.header("x-locale", locale);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn intent(action_id: &str, user_id: &str, country: &str) -> Value {
    json!({
        "actionId": action_id, "amount": 1500.00, "actionCurrencyCode": "DZD",
        "actionCountryCode": country, "userId": user_id, "captureMethod": "DIRECT",
    })
}

fn customer(phone: &str) -> Value {
    json!({ "name": "Jean", "phone": phone })
}

const CREATE: &str = "/api/v1/payments/intents?countryCode=DZA";

#[tokio::test]
async fn by_default_customers_are_made_on_the_fly_and_a_repeat_is_409() {
    let origin = start(Strict::default(), "").await;
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = yassir(
        &origin,
        "/api/v1/customers",
        customer("+213555000001"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["message"], "Customer already exists");
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a replayed actionId answers its intent"
    );
}

#[tokio::test]
async fn strict_customers_must_be_registered_and_a_repeat_is_400() {
    let strict = Strict {
        customer_must_exist: true,
        ..Strict::default()
    };
    let origin = start(strict, "").await;
    let (status, body) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = yassir(
        &origin,
        "/api/v1/customers",
        customer("+213555000001"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = yassir(
        &origin,
        "/api/v1/customers",
        customer("+213555000001"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn strict_action_ids_are_answered_409_when_repeated() {
    let strict = Strict {
        duplicate_action_id_conflict: true,
        ..Strict::default()
    };
    let origin = start(strict, "").await;
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn without_the_prefix_only_the_staging_paths_answer() {
    let strict = Strict {
        no_api_prefix: true,
        ..Strict::default()
    };
    let origin = start(strict, "").await;
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = yassir(
        &origin,
        "/payments/intents?countryCode=DZA",
        intent("a1", "+213555000001", "DZA"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_default_language_gives_way_to_x_locale() {
    let strict = Strict {
        customer_must_exist: true,
        language: Some(checkout_sandbox::Language::Arabic),
        ..Strict::default()
    };
    let origin = start(strict, "").await;
    let body = intent("a1", "+213555000001", "DZA");
    let (_, arabic) = yassir(&origin, CREATE, body.clone(), None).await;
    assert!(
        arabic["message"].as_str().unwrap().starts_with("لا يوجد"),
        "{arabic}"
    );
    let (_, french) = yassir(&origin, CREATE, body.clone(), Some("fr-FR")).await;
    assert!(
        french["message"]
            .as_str()
            .unwrap()
            .starts_with("Aucun client"),
        "{french}"
    );
    let (_, english) = yassir(&origin, CREATE, body, Some("en-US")).await;
    assert!(
        english["message"]
            .as_str()
            .unwrap()
            .starts_with("No customer"),
        "{english}"
    );
}

#[tokio::test]
async fn strict_countries_are_the_wallet_ones() {
    let strict = Strict {
        wallet_country: true,
        ..Strict::default()
    };
    let origin = start(strict, "").await;
    let (status, _) = yassir(&origin, CREATE, intent("a1", "+212600000001", "DZA"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = yassir(
        &origin,
        "/api/v1/payments/intents?countryCode=MAR",
        intent("a2", "+212600000001", "MAR"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // A userId that is no phone of the plan is not checked.
    let (status, _) = yassir(&origin, CREATE, intent("a3", "user_abc123", "DZA"), None).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn wrong_amount_adds_one_unit_to_the_answer() {
    let origin = start(Strict::default(), "yassir.create=wrong_amount*1").await;
    let (_, spoiled) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(spoiled["data"]["amount"], 1501.0, "{spoiled}");
    let (_, real) = yassir(&origin, CREATE, intent("a1", "+213555000001", "DZA"), None).await;
    assert_eq!(real["data"]["amount"], 1500, "{real}");
}

/// A Yassir check of `created`'s intent: its `data`.
async fn yassir_check(origin: &str, created: &Value) -> Value {
    let credentials = STANDARD.encode("test_client:test_secret");
    let id = created["data"]["paymentId"].as_str().unwrap();
    let response = reqwest::Client::new()
        .get(format!(
            "{origin}/sandbox/yassir/api/v1/payments/intents/{id}/check"
        ))
        .header("Authorization", format!("Bearer {credentials}"))
        .header("x-platform", "API")
        .header("x-service", "EXT_TEST")
        .header(
            "x-client-secret",
            created["data"]["clientSecret"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["data"].clone()
}

/// A Yassir intent of `+213555000002` (paid or reserved at once), proceeded: its create answer.
async fn paid(origin: &str, action_id: &str, capture: &str) -> Value {
    let body = json!({
        "actionId": action_id, "amount": 1500.00, "actionCurrencyCode": "DZD",
        "actionCountryCode": "DZA", "userId": "+213555000002", "captureMethod": capture,
    });
    let (status, created) = yassir(origin, CREATE, body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["data"]["paymentId"].as_str().unwrap();
    let credentials = STANDARD.encode("test_client:test_secret");
    let proceeded: Value = reqwest::Client::new()
        .post(format!(
            "{origin}/sandbox/yassir/api/v1/payments/intents/{id}/proceed"
        ))
        .header("Authorization", format!("Bearer {credentials}"))
        .header("x-platform", "API")
        .header("x-service", "EXT_TEST")
        .header(
            "x-client-secret",
            created["data"]["clientSecret"].as_str().unwrap(),
        )
        .json(&json!({ "paymentMethodCode": "WALLET_V2" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let wanted = if capture == "DIRECT" { 2 } else { 13 };
    assert_eq!(proceeded["data"]["statusCode"], wanted, "{proceeded}");
    created
}

/// The intent as `/sandbox/intents` lists it.
async fn held(origin: &str, created: &Value) -> Value {
    let listed: Value = reqwest::get(format!("{origin}/sandbox/intents?provider=yassir"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|intent| intent["intent_id"] == created["data"]["paymentId"])
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn strict_checks_show_no_refund_and_no_release() {
    for hide in [false, true] {
        let strict = Strict {
            check_hides_operations: hide,
            ..Strict::default()
        };
        let origin = start(strict, "").await;
        let direct = paid(&origin, "direct", "DIRECT").await;
        let id = direct["data"]["paymentId"].as_str().unwrap();
        let refund = format!("/api/v1/payments/{id}/refund");
        let (status, part) = yassir(
            &origin,
            &refund,
            json!({"description": "one item back", "amount": 400.00}),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{part}");
        assert_eq!(
            part["data"]["statusCode"], 16,
            "the refund says what it did"
        );
        let checked = yassir_check(&origin, &direct).await;
        let (code, message) = if hide {
            (2, "Payment completed successfully")
        } else {
            (16, "The payment was partially refunded")
        };
        assert_eq!(checked["statusCode"], code, "hide {hide}: {checked}");
        assert_eq!(checked["endUserMessage"], message, "hide {hide}: {checked}");

        let (_, rest) = yassir(&origin, &refund, json!({"description": "the rest"}), None).await;
        assert_eq!(rest["data"]["statusCode"], 4, "{rest}");
        let code = if hide { 2 } else { 4 };
        assert_eq!(yassir_check(&origin, &direct).await["statusCode"], code);
        let listed = held(&origin, &direct).await;
        assert_eq!(
            (&listed["status_code"], &listed["refunded"]),
            (&json!(4), &json!(150_000)),
            "the provider's own records: {listed}"
        );

        let reserved = paid(&origin, "reserved", "RESERVATION").await;
        let id = reserved["data"]["paymentId"].as_str().unwrap();
        let (_, released) = yassir(
            &origin,
            &format!("/api/v1/payments/intents/{id}/release"),
            json!({}),
            None,
        )
        .await;
        assert_eq!(released["data"]["statusCode"], 10, "{released}");
        let code = if hide { 13 } else { 10 };
        assert_eq!(yassir_check(&origin, &reserved).await["statusCode"], code);
        assert_eq!(held(&origin, &reserved).await["status"], "canceled");
    }
}

#[tokio::test]
async fn x_locale_takes_both_forms_unless_its_format_is_strict() {
    let origin = start(Strict::default(), "").await;
    for (action_id, locale) in [("l1", "en-US"), ("l2", "fr_FR"), ("l3", "en")] {
        let (status, body) = yassir(
            &origin,
            CREATE,
            intent(action_id, "+213555000001", "DZA"),
            Some(locale),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{locale}: {body}");
    }

    let strict = Strict {
        locale_format: true,
        ..Strict::default()
    };
    let origin = start(strict, "").await;
    for locale in ["en-US", "en", "fr_fr"] {
        let (status, body) = yassir(
            &origin,
            CREATE,
            intent("s1", "+213555000001", "DZA"),
            Some(locale),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{locale}: {body}");
        assert_eq!(body["code"], 400);
        assert_eq!(body["status"], "error");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("such as en_US") && message.contains(&format!("`{locale}`")),
            "{message}"
        );
    }
    for (action_id, locale) in [("s2", Some("en_US")), ("s3", Some("ar_DZ")), ("s4", None)] {
        let (status, body) = yassir(
            &origin,
            CREATE,
            intent(action_id, "+213555000001", "DZA"),
            locale,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{locale:?}: {body}");
    }

    // Every switch: the refusal in the default language, French.
    let origin = start(Strict::ALL, "").await;
    let (status, body) = yassir(
        &origin,
        "/payments/intents?countryCode=DZA",
        intent("f1", "+213555000001", "DZA"),
        Some("fr-FR"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("L'en-tête x-locale"),
        "{body}"
    );
}
