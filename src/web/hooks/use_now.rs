//! The clock, ticking once a second while a countdown is on screen.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::web::browser;

/// `Date.now()`, re-rendering the caller every second while `ticking`.
#[hook]
pub fn use_now(ticking: bool) -> u64 {
    let now = use_state(browser::now_ms);
    {
        let now = now.clone();
        use_effect_with(ticking, move |ticking| {
            let alive = Rc::new(Cell::new(*ticking));
            if *ticking {
                now.set(browser::now_ms());
                let alive = alive.clone();
                yew::platform::spawn_local(async move {
                    while alive.get() {
                        yew::platform::time::sleep(Duration::from_millis(1_000)).await;
                        if alive.get() {
                            now.set(browser::now_ms());
                        }
                    }
                });
            }
            move || alive.set(false)
        });
    }
    *now
}
