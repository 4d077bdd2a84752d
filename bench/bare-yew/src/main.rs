//! A yew app that renders a Pay button at once: what the widget's first render is measured
//! against.

use yew::prelude::*;

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[function_component]
fn App() -> Html {
    html! { <button class="cw-pay" type="button">{ "Pay" }</button> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
