//! The texts of French and Arabic as the loader gives them, in the order of [`super::Msg`].

use std::sync::OnceLock;

use super::Lang;

static FRENCH: OnceLock<Box<[&'static str]>> = OnceLock::new();
static ARABIC: OnceLock<Box<[&'static str]>> = OnceLock::new();

fn slot(lang: Lang) -> Option<&'static OnceLock<Box<[&'static str]>>> {
    match lang {
        Lang::En => None,
        Lang::Fr => Some(&FRENCH),
        Lang::Ar => Some(&ARABIC),
    }
}

/// Keeps `texts` as `lang`'s for the page's life (the first ones given win: they are the same
/// file of the same build).
pub fn install(lang: Lang, texts: Vec<String>) {
    if let Some(slot) = slot(lang) {
        slot.get_or_init(|| {
            texts
                .into_iter()
                .map(|text| &*Box::leak(text.into_boxed_str()))
                .collect()
        });
    }
}

/// The text at `index` in `lang`, if installed.
pub(super) fn text(lang: Lang, index: usize) -> Option<&'static str> {
    slot(lang)?.get()?.get(index).copied()
}
