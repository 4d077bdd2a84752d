//! The reference merchant backend: implements the checkout contract against the real provider
//! APIs, and mounts a sandbox of both providers for demos and tests.

pub mod providers;
