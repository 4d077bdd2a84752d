//! The checkout widget: a pure core (validation, the checkout state machine, URLs, polling
//! schedule, texts) that builds and is tested natively, and the browser edge in [`web`] (yew
//! views, HTTP, storage, navigation) that only exists on wasm.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// Smaller in the wasm than the standard library's dlmalloc, and as fast.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
