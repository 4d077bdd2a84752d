//! Asking the backend about a payment (`GET /payments/{id}`) when the core says to: one request
//! at a time, none while the page is hidden, and a poll scheduled later replacing one scheduled
//! earlier. Nothing spins while a request is in flight: a poll that comes due then is handed to
//! the request in flight, which sends it once its own answer is in.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use checkout_contract::Payment;
use yew::platform::time::sleep;

use crate::web::api::{Backend, WidgetError};
use crate::web::browser;

/// A poll that came due.
struct Due {
    generation: u64,
    payment_id: String,
}

/// The polls of one widget.
#[derive(Default)]
pub struct Poller {
    /// Bumped by every poll scheduled, and by [`Poller::stop`]: an older poll then does nothing.
    generation: Cell<u64>,
    in_flight: Cell<bool>,
    /// The poll that came due while a request was in flight, for that request to send next.
    due: RefCell<Option<Due>>,
}

impl Poller {
    fn is_current(&self, generation: u64) -> bool {
        self.generation.get() == generation
    }

    /// `GET /payments/{payment_id}` after `after_ms`, once the page is visible and no other
    /// request is in flight. `None` when a later poll replaced this one, or when this one went
    /// to the request in flight, whose caller then gets the answer.
    pub async fn poll(
        &self,
        backend: &dyn Backend,
        payment_id: String,
        after_ms: u32,
    ) -> Option<Result<Payment, WidgetError>> {
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        if after_ms > 0 {
            sleep(Duration::from_millis(u64::from(after_ms))).await;
        }
        // Polling a page nobody looks at wastes the shopper's data; it resumes on return.
        browser::until_visible().await;
        if !self.is_current(generation) {
            return None;
        }
        let mut due = Due {
            generation,
            payment_id,
        };
        if self.in_flight.get() {
            *self.due.borrow_mut() = Some(due);
            return None;
        }
        loop {
            self.in_flight.set(true);
            let answer = backend.payment(&due.payment_id).await;
            self.in_flight.set(false);
            if self.is_current(due.generation) {
                return Some(answer);
            }
            // Replaced while in flight: the poll that came due meanwhile goes now, if it did.
            due = (self.due.take()).filter(|due| self.is_current(due.generation))?;
        }
    }

    /// Stops polling: whatever is scheduled or in flight comes to nothing.
    pub fn stop(&self) {
        self.generation.set(self.generation.get() + 1);
        self.due.take();
    }
}
