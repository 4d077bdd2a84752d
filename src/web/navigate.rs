//! Leaving the page for the provider's OTP page, behind a trait so tests can catch the address
//! instead of leaving the test page.

/// Sends the whole page somewhere else.
pub trait Navigator {
    fn assign(&self, url: &str);
}

/// The browser's `location.assign`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrowserNavigator;

impl Navigator for BrowserNavigator {
    fn assign(&self, url: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(url);
        }
    }
}
