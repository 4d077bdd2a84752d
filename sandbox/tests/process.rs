//! The sandbox's own process, as a developer first runs it.

/// `--help` prints what the sandbox is and how it is configured instead of starting it; any
/// other argument is refused with a pointer to it.
#[test]
fn help_prints_instead_of_starting_the_sandbox() {
    let run = |arguments: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_checkout-sandbox"))
            .args(arguments)
            .env("SANDBOX_PORT", "1")
            .output()
            .unwrap()
    };
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Usage: checkout-sandbox"), "{text}");
    assert!(text.contains("SANDBOX_PORT"), "{text}");
    let wrong = run(&["serve"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--help"));
}
