//! Strategies shared by the server's property tests: arbitrary JSON trees whose keys and
//! strings are often words the code under test looks for.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Number, Value};

/// A word from `words` most of the time, else any string.
pub fn word_or_any(words: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        4 => select(words).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => select(vec!["", " ", "\t\n", "\u{A0}"]).prop_map(str::to_owned),
    ]
}

/// Numbers of every kind JSON has, the edges included.
pub fn number() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(vec![
            0i64,
            1,
            2,
            3,
            4,
            10,
            12,
            13,
            16,
            -1,
            i64::MIN,
            i64::MAX
        ])
        .prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>().prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
        select(vec![0.0, 2.0, 2.5, -0.0, 1e300])
            .prop_filter_map("finite", |float| Number::from_f64(float).map(Value::Number)),
    ]
}

/// A JSON leaf: null, a boolean, a number or a string (often one of `words`).
pub fn leaf(words: &'static [&'static str]) -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        word_or_any(words).prop_map(Value::String),
    ]
}

/// Any JSON tree, up to 5 levels deep, its keys and strings often from `words`.
pub fn json(words: &'static [&'static str]) -> impl Strategy<Value = Value> + Clone {
    leaf(words).prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((word_or_any(words), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object holding some of `members` (each given as a key and a strategy of its value) and
/// a few arbitrary members besides.
pub fn object_with(
    members: Vec<(&'static str, BoxedStrategy<Value>)>,
    words: &'static [&'static str],
) -> impl Strategy<Value = Value> {
    let chosen: Vec<BoxedStrategy<Option<(String, Value)>>> = members
        .into_iter()
        .map(|(key, value)| {
            prop::option::weighted(0.7, value.prop_map(move |value| (key.to_owned(), value)))
                .boxed()
        })
        .collect();
    let extra = prop::collection::vec((word_or_any(words), json(words)), 0..3);
    (chosen, extra).prop_map(|(chosen, extra)| {
        let mut object = Map::new();
        for (key, value) in extra.into_iter().chain(chosen.into_iter().flatten()) {
            object.insert(key, value);
        }
        Value::Object(object)
    })
}

/// `word` with the case of its ASCII letters flipped where `flips` says.
pub fn recase(word: &str, flips: &[bool]) -> String {
    word.chars()
        .zip(flips.iter().chain(std::iter::repeat(&false)))
        .map(|(ch, flip)| match (flip, ch.is_ascii_lowercase()) {
            (true, true) => ch.to_ascii_uppercase(),
            (true, false) => ch.to_ascii_lowercase(),
            (false, _) => ch,
        })
        .collect()
}
