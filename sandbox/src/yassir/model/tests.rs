use super::*;

#[test]
fn scenario_follows_the_last_six_digits() {
    assert_eq!(Scenario::for_user("+213555000002"), Scenario::Succeed);
    assert_eq!(Scenario::for_user("213555000002"), Scenario::Succeed);
    assert_eq!(Scenario::for_user("+212600000002"), Scenario::Succeed);
    assert_eq!(Scenario::for_user("+213555000005"), Scenario::ProviderError);
    assert_eq!(Scenario::for_user("+213555000001"), Scenario::Otp);
    assert_eq!(Scenario::for_user("+213555123452"), Scenario::Otp);
    assert_eq!(Scenario::for_user("+213555000012"), Scenario::Otp);
    assert_eq!(Scenario::for_user("000002"), Scenario::Succeed);
    assert_eq!(Scenario::for_user("user_abc123"), Scenario::Otp);
}

#[test]
fn amounts_print_like_yassir() {
    assert_eq!(amount_json(150000), json!(1500));
    assert_eq!(amount_json(1050), json!(10.5));
    assert_eq!(amount_text(70000), "700.00");
    assert_eq!(amount_text(5), "0.05");
}

#[test]
fn timestamps_have_milliseconds_and_z() {
    let at = OffsetDateTime::from_unix_timestamp(1_771_410_600).unwrap();
    assert_eq!(timestamp(at), "2026-02-18T10:30:00.000Z");
}

#[test]
fn phones_match_with_or_without_plus() {
    assert_eq!(phone_key("+213555000001"), phone_key("213555000001"));
    assert_eq!(phone_key("user_abc123"), "user_abc123");
}
