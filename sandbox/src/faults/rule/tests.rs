use super::*;

fn rule(text: &str) -> FaultRule {
    text.parse()
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn error(text: &str) -> String {
    text.parse::<FaultRule>().unwrap_err().to_string()
}

#[test]
fn the_compact_form_reads_every_part() {
    let parsed = rule("yassir.check=latency:500@after*3%0.3");
    assert_eq!(parsed.provider(), Provider::Yassir);
    assert_eq!(parsed.operation(), Operation::Check);
    assert_eq!(parsed.fault(), Fault::Latency { delay_ms: 500 });
    assert_eq!(parsed.phase(), Phase::After);
    assert_eq!(parsed.count(), Some(3));
    assert_eq!(parsed.share(), 0.3);
}

#[test]
fn defaults_fill_what_is_left_out() {
    let parsed = rule("yabetoo.*=timeout");
    assert_eq!(parsed.operation(), Operation::Any);
    assert_eq!(
        parsed.fault(),
        Fault::Timeout {
            delay_ms: DEFAULT_TIMEOUT_MS
        }
    );
    assert_eq!(parsed.phase(), Phase::Before);
    assert_eq!(parsed.count(), None);
    assert_eq!(parsed.share(), 1.0);
    assert_eq!(
        rule("yabetoo.retrieve=unknown_status").phase(),
        Phase::After
    );
    assert_eq!(
        rule("yassir.create=http_error").fault(),
        Fault::HttpError { status: 500 }
    );
    assert_eq!(
        rule("yassir.create=rate_limited").fault(),
        Fault::RateLimited { retry_after: 1 }
    );
}

#[test]
fn suffixes_may_come_in_any_order_but_once() {
    assert_eq!(
        rule("yassir.proceed=http_error%0.5*2@after:503"),
        rule("yassir.proceed=http_error:503@after*2%0.5")
    );
    assert!(error("yassir.proceed=reset*1*2").contains("`*` is given twice"));
}

#[test]
fn display_is_the_compact_form_with_defaults() {
    for text in [
        "yassir.proceed=http_error:503@before*2",
        "yabetoo.confirm=reset@after*1",
        "yassir.check=latency:500@before%0.3",
        "yabetoo.*=earlier_status@after",
    ] {
        assert_eq!(rule(text).to_string(), text);
        assert_eq!(rule(&rule(text).to_string()), rule(text));
    }
}

#[test]
fn errors_name_the_bad_part() {
    assert!(error("paypal.create=reset").contains("unknown provider `paypal`"));
    assert!(error("yabetoo.proceed=reset").contains("`proceed` is not a yabetoo operation"));
    assert!(error("yassir.confirm=reset").contains("customers, create, proceed"));
    assert!(error("yassir.create=explode").contains("unknown fault `explode`"));
    assert!(error("yassir.create=reset@during").contains("unknown phase `during`"));
    assert!(error("yassir.create=rate_limited@after").contains("only be before"));
    assert!(error("yassir.check=malformed_json@before").contains("only be after"));
    assert!(
        error("yassir.create=http_error:418").contains("401, 404, 422, 500, 502 or 503 (got 418)")
    );
    assert!(error("yassir.create=reset:5").contains("reset takes no parameter"));
    assert!(error("yassir.create=latency:soon").contains("`soon` is not a valid number"));
    assert!(error("yassir.create=reset*0").contains("count must be at least 1"));
    assert!(error("yassir.create=reset%30").contains("share must be a probability"));
    assert!(error("yassir.create=unknown_status").contains("needs an answer with a payment status"));
    assert!(error("yabetoo.create=earlier_status").contains("confirm, retrieve only"));
    assert!(error("yassir=reset").contains("must be provider.operation"));
    assert!(error("yassir.create").contains("expected provider.operation=fault"));
}

#[test]
fn a_list_names_the_entry_at_fault() {
    let rules = FaultRule::parse_list(
        " yabetoo.confirm=reset@after*1, yassir.proceed=http_error:503*2,,yassir.check=latency:500%0.3 ",
    )
    .unwrap();
    assert_eq!(rules.len(), 3);
    let error = FaultRule::parse_list("yabetoo.confirm=reset,yassir.proceed=http_error:418")
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("`yassir.proceed=http_error:418`: "),
        "{error}"
    );
    assert_eq!(FaultRule::parse_list(""), Ok(Vec::new()));
}

#[test]
fn json_takes_the_same_rules() {
    let parsed: FaultRule = serde_json::from_str(
        r#"{"provider":"yabetoo","operation":"confirm","fault":"reset","phase":"after","count":1}"#,
    )
    .unwrap();
    assert_eq!(parsed, rule("yabetoo.confirm=reset@after*1"));
    let shown = serde_json::to_value(rule("yassir.proceed=http_error:503*2")).unwrap();
    assert_eq!(
        shown,
        serde_json::json!({"provider": "yassir", "operation": "proceed", "fault": "http_error",
            "phase": "before", "count": 2, "share": 1.0, "status": 503})
    );
    let refused = serde_json::from_str::<FaultRule>(
        r#"{"provider":"yassir","operation":"check","fault":"reset","status":502}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("status applies only to http_error"),
        "{refused}"
    );
}

#[test]
fn status_faults_skip_operations_without_a_status() {
    let any = rule("yassir.*=unknown_status");
    assert!(any.matches(Provider::Yassir, Operation::Check));
    assert!(!any.matches(Provider::Yassir, Operation::Create));
    assert!(!any.matches(Provider::Yabetoo, Operation::Confirm));
    let reset = rule("yassir.*=reset");
    assert!(reset.matches(Provider::Yassir, Operation::Customers));
}

#[test]
fn http_error_takes_the_refusals_too() {
    for status in HTTP_ERROR_STATUSES {
        let text = format!("yabetoo.confirm=http_error:{status}@after");
        assert_eq!(rule(&text).fault(), Fault::HttpError { status });
        assert_eq!(rule(&text).to_string(), text);
    }
}

#[test]
fn uncaptured_is_yabetoos_after_the_work_on_answers_with_a_status() {
    let parsed = rule("yabetoo.retrieve=uncaptured");
    assert_eq!(parsed.fault(), Fault::Uncaptured);
    assert_eq!(parsed.phase(), Phase::After);
    assert_eq!(parsed.to_string(), "yabetoo.retrieve=uncaptured@after");
    let any = rule("yabetoo.*=uncaptured");
    assert!(any.matches(Provider::Yabetoo, Operation::Confirm));
    assert!(!any.matches(Provider::Yabetoo, Operation::Create));
    assert!(error("yabetoo.confirm=uncaptured@before").contains("only be after"));
    assert!(error("yabetoo.create=uncaptured").contains("confirm, retrieve only"));
    assert!(error("yassir.check=uncaptured").contains("yabetoo confirm, retrieve only"));
    assert!(error("yassir.*=uncaptured").contains("yabetoo confirm, retrieve only"));
    assert!(error("yabetoo.confirm=uncaptured:5").contains("takes no parameter"));
}

#[test]
fn late_holds_the_requests_that_start_a_payment() {
    let parsed = rule("yassir.proceed=late");
    assert_eq!(
        parsed.fault(),
        Fault::Late {
            delay_ms: DEFAULT_LATE_MS
        }
    );
    assert_eq!(parsed.phase(), Phase::Before);
    assert_eq!(
        rule("yabetoo.confirm=late:250*1").to_string(),
        "yabetoo.confirm=late:250@before*1"
    );
    let any = rule("yassir.*=late");
    assert!(any.matches(Provider::Yassir, Operation::Proceed));
    assert!(!any.matches(Provider::Yassir, Operation::Check));
    assert!(error("yassir.proceed=late@after").contains("only be before"));
    assert!(error("yassir.check=late").contains("yassir proceed only"));
    assert!(error("yabetoo.retrieve=late").contains("yabetoo confirm only"));
    assert!(error("yabetoo.webhook=late").contains("yabetoo confirm only"));
    let json: FaultRule = serde_json::from_str(
        r#"{"provider":"yabetoo","operation":"confirm","fault":"late","delay_ms":100}"#,
    )
    .unwrap();
    assert_eq!(json, rule("yabetoo.confirm=late:100"));
    assert_eq!(
        serde_json::to_value(json).unwrap(),
        serde_json::json!({"provider": "yabetoo", "operation": "confirm", "fault": "late",
            "phase": "before", "share": 1.0, "delay_ms": 100})
    );
}
