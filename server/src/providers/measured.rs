//! A provider adapter with every call counted and timed ([`Metrics::provider_call`]): one place
//! measures both providers, and the adapters stay about their provider alone.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;

use super::{
    CreateIntent, IntentRef, PaymentProvider, ProviderError, ProviderIntent, ProviderStatus,
    SubmitDetails,
};
use crate::metrics::Metrics;

pub struct Measured<P> {
    inner: P,
    metrics: Arc<Metrics>,
}

impl<P: PaymentProvider> Measured<P> {
    pub fn new(inner: P, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }

    fn count<T>(
        &self,
        operation: &'static str,
        started: Instant,
        result: Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        let outcome = match &result {
            Ok(_) => "answered",
            Err(
                ProviderError::Timeout
                | ProviderError::Unavailable(_)
                | ProviderError::UnknownStatus(_)
                | ProviderError::Disagree(_),
            ) => "unknown",
            Err(ProviderError::Mismatch(_)) => "mismatch",
            Err(_) => "refused",
        };
        let seconds = started.elapsed().as_secs_f64();
        (self.metrics).provider_call(self.inner.name(), operation, outcome, seconds);
        result
    }
}

#[async_trait]
impl<P: PaymentProvider> PaymentProvider for Measured<P> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn create_intent(&self, request: &CreateIntent) -> Result<ProviderIntent, ProviderError> {
        let started = Instant::now();
        let result = self.inner.create_intent(request).await;
        self.count("create", started, result)
    }

    async fn submit(
        &self,
        intent: &IntentRef,
        details: &SubmitDetails,
    ) -> Result<ProviderStatus, ProviderError> {
        let started = Instant::now();
        let result = self.inner.submit(intent, details).await;
        self.count("submit", started, result)
    }

    async fn check(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        let started = Instant::now();
        let result = self.inner.check(intent).await;
        self.count("check", started, result)
    }

    async fn capture(
        &self,
        intent: &IntentRef,
        amount_minor: Option<i64>,
    ) -> Result<ProviderStatus, ProviderError> {
        let started = Instant::now();
        let result = self.inner.capture(intent, amount_minor).await;
        self.count("capture", started, result)
    }

    async fn release(&self, intent: &IntentRef) -> Result<ProviderStatus, ProviderError> {
        let started = Instant::now();
        let result = self.inner.release(intent).await;
        self.count("release", started, result)
    }

    async fn refund(
        &self,
        intent: &IntentRef,
        amount_minor: Option<i64>,
        description: &str,
        reason: Option<&str>,
    ) -> Result<ProviderStatus, ProviderError> {
        let started = Instant::now();
        let result = (self.inner)
            .refund(intent, amount_minor, description, reason)
            .await;
        self.count("refund", started, result)
    }
}
