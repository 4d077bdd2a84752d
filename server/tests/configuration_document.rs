//! `docs/configuration.md` against the settings' declarations (`config::Settings`, and the
//! sandbox's own process): every variable declared has a row, every row names a declared
//! variable, and a fixed default is the one the row gives.

use std::collections::BTreeMap;

use checkout_sandbox::settings::ProcessSettings;
use checkout_server::config::Settings;
use clap::CommandFactory;

/// Each variable the tables name, with the text of its row's default cell.
fn documented() -> BTreeMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/configuration.md");
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = BTreeMap::new();
    for line in text.lines().filter(|line| line.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(names), Some(default)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        for name in names.split('`').skip(1).step_by(2) {
            if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                rows.insert(name.to_string(), default.to_string());
            }
        }
    }
    rows
}

/// Each variable declared, with its fixed default if it has one.
fn declared() -> BTreeMap<String, Option<String>> {
    let mut variables = BTreeMap::new();
    for command in [Settings::command(), ProcessSettings::command()] {
        for arg in command.get_arguments() {
            let Some(variable) = arg.get_env() else {
                continue;
            };
            let default = arg
                .get_default_values()
                .first()
                .map(|value| value.to_string_lossy().into_owned())
                .filter(|value| !value.is_empty() && !arg.is_hide_default_value_set());
            // The first declaration is the server's: the sandbox's process has its own `RUST_LOG`
            // default, which the document gives in words.
            variables
                .entry(variable.to_string_lossy().into_owned())
                .or_insert(default);
        }
    }
    variables
}

#[test]
fn every_variable_declared_has_a_row_and_every_row_a_declaration() {
    let documented = documented();
    let declared = declared();
    let missing: Vec<_> = declared
        .keys()
        .filter(|name| !documented.contains_key(*name))
        .collect();
    let unknown: Vec<_> = documented
        .keys()
        .filter(|name| !declared.contains_key(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "declared without a row in docs/configuration.md: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows in docs/configuration.md that nothing declares: {unknown:?}"
    );
    assert!(declared.len() > 60, "{} variables declared", declared.len());
}

#[test]
fn each_rows_default_is_the_declared_one() {
    let documented = documented();
    for (name, default) in declared() {
        let Some(default) = default else { continue };
        let cell = &documented[&name];
        assert!(
            cell.contains(&format!("`{default}`")),
            "docs/configuration.md gives {name} the default {cell:?}; it is `{default}`"
        );
    }
}
