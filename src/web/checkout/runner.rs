//! Carries out the reducer's work right after each dispatch: the backend calls, the polls, the
//! wait's deadline, the saved attempt, the redirect and the events for the embedding page. One
//! per widget, for as long as it is on screen.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use checkout_contract::CheckoutSession;
use yew::platform::{spawn_local, time::sleep};
use yew::{Callback, UseForceUpdateHandle};

use super::poller::Poller;
use super::resume;
use super::settings::CheckoutSettings;
use super::state::{reduce, Action, WidgetState, Work};
use crate::core::backoff::PollPolicy;
use crate::core::events::PageEvent;
use crate::core::redirect;
use crate::core::state::{Checkout, Effect, Event, Moment};
use crate::web::api::{Backend, WidgetError};
use crate::web::browser;
use crate::web::navigate::Navigator;

/// Holds the state, runs the reducer and carries out its work.
pub struct Runner {
    backend: Rc<dyn Backend>,
    navigator: Rc<dyn Navigator>,
    order: String,
    polling: PollPolicy,
    /// The shopper's language tag, as the widget first rendered.
    language: &'static str,
    /// Hears the events.
    notify: Option<Callback<PageEvent>>,
    state: RefCell<Rc<WidgetState>>,
    /// Renders the widget again.
    render: UseForceUpdateHandle,
    poller: Poller,
    /// Bumped by every change of the deadline: an older timer then does nothing.
    deadline_generation: Cell<u64>,
    alive: Cell<bool>,
    /// The work of an order's answer that was already here when the widget was made: the state
    /// its first render shows holds the answer, and the load [`Runner::start`] begins carries
    /// this out instead of asking.
    answered: RefCell<Option<(Vec<Work>, Option<String>)>>,
    started: Cell<bool>,
}

/// What an answer to the order's load does to the state, and the key of the attempt to resume
/// if it loaded.
fn on_answer(
    order: &str,
    polling: PollPolicy,
    answer: Result<CheckoutSession, WidgetError>,
) -> (Action, Option<String>) {
    match answer {
        Ok(session) => {
            let page_url = redirect::strip_resume_marker(&browser::page_href());
            let key = redirect::resume_key(order, Some(&session.order.reference)).to_string();
            let loaded = Action::Loaded {
                session,
                page_url,
                polling,
            };
            (loaded, Some(key))
        }
        Err(error) => (Action::LoadFailed(error), None),
    }
}

impl Runner {
    /// A runner for the settings' order; when its answer is already here (the loader read it
    /// while the wasm was on its way), the state holds it at once, so that the widget's first
    /// render shows the order and its Pay button rather than a loading frame.
    pub fn new(settings: CheckoutSettings, render: UseForceUpdateHandle) -> Self {
        let mut state = WidgetState::new(
            settings.order.clone(),
            settings.methods,
            settings.redirect_origins,
        );
        let mut answered = None;
        if let Some(answer) = settings.backend.checkout_now(&settings.order) {
            let (action, resume_key) = on_answer(&settings.order, settings.polling, answer);
            let (loaded, work) = reduce(state, action);
            state = loaded;
            answered = Some((work, resume_key));
        }
        Runner {
            backend: settings.backend,
            navigator: settings.navigator,
            order: settings.order,
            polling: settings.polling,
            language: settings.language,
            notify: settings.notify,
            state: RefCell::new(Rc::new(state)),
            render,
            poller: Poller::default(),
            deadline_generation: Cell::new(0),
            alive: Cell::new(true),
            answered: RefCell::new(answered),
            started: Cell::new(false),
        }
    }

    /// The state as it stands.
    pub fn state(&self) -> Rc<WidgetState> {
        self.state.borrow().clone()
    }

    /// Runs the reducer, renders, then carries out the work it returned.
    pub fn dispatch(self: &Rc<Self>, action: Action) {
        if !self.alive.get() {
            return;
        }
        let state = WidgetState::clone(&self.state());
        let (state, work) = reduce(state, action);
        *self.state.borrow_mut() = Rc::new(state);
        self.render.force_update();
        for item in work {
            self.run(item);
        }
    }

    /// Feeds an event to the core.
    pub fn send(self: &Rc<Self>, event: Event) {
        let at = Moment {
            now_ms: browser::now_ms(),
            random_unit: browser::random_unit(),
        };
        self.dispatch(Action::Flow(event, at));
    }

    /// Whether the order's answer was already here, its work still to do.
    pub fn answered(&self) -> bool {
        self.answered.borrow().is_some()
    }

    /// Loads the order, once: what follows its answer runs right after the render under way.
    pub fn start(self: &Rc<Self>) {
        if !self.started.replace(true) {
            self.load();
        }
    }

    /// Loads the order, then resumes the attempt this page was left in the middle of, if any.
    /// Again when the shopper checks whether an order in flight elsewhere still is: then the
    /// attempt resumed is one this browser saved in another tab. An answer that was already
    /// here when the widget was made is in the state: only its work is left to do.
    fn load(self: &Rc<Self>) {
        let runner = self.clone();
        spawn_local(async move {
            let answered = runner.answered.take();
            let resume_key = match answered {
                Some((work, resume_key)) => {
                    for item in work {
                        runner.run(item);
                    }
                    resume_key
                }
                None => {
                    let answer = runner.backend.checkout(&runner.order).await;
                    let (action, resume_key) = on_answer(&runner.order, runner.polling, answer);
                    runner.dispatch(action);
                    resume_key
                }
            };
            runner.resume(resume_key);
        });
    }

    /// Picks up the attempt saved under `key`, if any.
    fn resume(self: &Rc<Self>, key: Option<String>) {
        let event = key.and_then(|key| resume::on_load(&key, &*self.backend));
        if let Some(event) = event {
            self.send(event);
        }
    }

    /// The widget left the page: nothing more is sent, shown or told.
    pub fn stop(&self) {
        self.alive.set(false);
        self.poller.stop();
    }

    /// What the attempt is saved under: the order's reference once the order is loaded.
    fn resume_key(&self) -> String {
        let state = self.state();
        let reference = state.session.as_ref().map(|s| s.order.reference.as_str());
        redirect::resume_key(&self.order, reference).to_string()
    }

    fn run(self: &Rc<Self>, work: Work) {
        match work {
            Work::Run(Effect::CreatePayment {
                idempotency_key,
                request,
            }) => {
                let runner = self.clone();
                spawn_local(async move {
                    let answer = runner
                        .backend
                        .create_payment(&idempotency_key, &request, runner.language)
                        .await;
                    runner.send(match answer {
                        Ok(payment) => Event::Created(payment),
                        Err(error) => Event::CreateFailed(error.to_request_error()),
                    });
                });
            }
            Work::Run(Effect::SubmitDetails {
                payment_id,
                request,
            }) => {
                let runner = self.clone();
                spawn_local(async move {
                    let answer = runner.backend.submit(&payment_id, &request).await;
                    runner.send(match answer {
                        Ok(payment) => Event::Submitted(payment),
                        Err(error) => Event::SubmitFailed(error.to_request_error()),
                    });
                });
            }
            Work::Run(Effect::Poll {
                payment_id,
                after_ms,
            }) => {
                let runner = self.clone();
                spawn_local(async move {
                    let poll = runner.poller.poll(&*runner.backend, payment_id, after_ms);
                    match poll.await {
                        Some(Ok(payment)) => runner.send(Event::PollResult(payment)),
                        Some(Err(error)) => {
                            runner.send(Event::PollFailed(error.to_request_error()))
                        }
                        None => {}
                    }
                });
            }
            Work::Run(Effect::SaveResume { payment_id }) => {
                resume::save(&self.resume_key(), payment_id, &*self.backend)
            }
            Work::Run(Effect::ClearResume) => resume::forget(&self.resume_key()),
            Work::Run(Effect::Redirect { url }) => {
                // The browser's own URL parser checks the address against the core's list too.
                let state = self.state();
                let allowed = (state.checkout.as_ref())
                    .map(Checkout::redirect_origins)
                    .is_some_and(|origins| browser::origin_is_allowed(&url, origins));
                if allowed {
                    self.navigator.assign(&url);
                } else {
                    self.dispatch(Action::RedirectBlocked);
                }
            }
            Work::Reload => self.load(),
            Work::Notify(page_event) => {
                if let Some(notify) = &self.notify {
                    notify.emit(page_event);
                }
            }
            Work::Deadline(deadline) => {
                let generation = self.deadline_generation.get() + 1;
                self.deadline_generation.set(generation);
                if let Some(deadline_ms) = deadline {
                    let runner = self.clone();
                    spawn_local(async move {
                        let wait = deadline_ms.saturating_sub(browser::now_ms());
                        sleep(Duration::from_millis(wait)).await;
                        if runner.deadline_generation.get() == generation {
                            runner.send(Event::DeadlineReached);
                        }
                    });
                }
            }
        }
    }
}
