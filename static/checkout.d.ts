// TypeScript declarations of the checkout widget's loader, `checkout.js`.
//
// Three ways to embed the widget, all through the same code:
//
//   <script src="https://shop.example/widget/checkout.js" data-target="#pay" data-order="demo-dz"
//           data-endpoint="" data-methods="yassir_cash,mobile_money" data-lang="fr"
//           data-theme="light" data-redirect-origins="https://a.example,https://b.example" async></script>
//
//   const handle = CheckoutWidget.mount('#pay', { order: 'demo-dz', onSuccess: (s) => … });
//
//   <checkout-widget order="demo-dz" lang="fr" theme="dark"></checkout-widget>
//
// `data-order-param="order"` / `data-lang-param="lang"` (`order-param` / `lang-param` on the
// element) take the order / language from the page address's query parameter of that name when
// present. Elements marked `data-checkout-widget` (with the same data attributes) mount too.
//
// The widget renders in an open shadow root of a container appended to the target (the "host").
// Events are `CustomEvent`s dispatched on the host with `bubbles: true, composed: true`.

/** A payment method the widget can offer. */
export type MethodKind = 'yassir_cash' | 'mobile_money';

/** A language the widget speaks. Regional tags (`fr-FR`) are accepted. */
export type Lang = 'en' | 'fr' | 'ar';

/** `auto` follows the system's `prefers-color-scheme`. */
export type Theme = 'light' | 'dark' | 'auto';

/**
 * The look, as CSS values; each sets one custom property on the widget's container, which can
 * also be set in CSS on the host element:
 *
 * | key | custom property |
 * |---|---|
 * | colorPrimary | --checkout-color-primary (buttons, links, focus ring, selected method) |
 * | colorBackground | --checkout-color-background |
 * | colorText | --checkout-color-text |
 * | colorMuted | --checkout-color-muted (hints, order description) |
 * | colorDanger | --checkout-color-danger (errors) |
 * | colorSuccess | --checkout-color-success |
 * | borderRadius | --checkout-radius |
 * | fontFamily | --checkout-font-family |
 * | spacingUnit | --checkout-spacing |
 *
 * The defaults meet WCAG 2.2 AA contrast in both themes; colours you set are yours to check.
 */
export interface Appearance {
  colorPrimary?: string;
  colorBackground?: string;
  colorText?: string;
  colorMuted?: string;
  colorDanger?: string;
  colorSuccess?: string;
  borderRadius?: string;
  fontFamily?: string;
  spacingUnit?: string;
}

/** The order as the merchant's backend describes it. */
export interface OrderSummary {
  reference: string;
  description: string;
  /** In the currency's minor unit: 1500.00 DZD is 150000. */
  amountMinor: number;
  /** ISO 4217. */
  currency: string;
}

/** `ready`: the order is loaded and the form is shown. */
export interface ReadyDetail {
  order: OrderSummary;
  /** The methods shown: those the server offers, narrowed by the `methods` option. */
  methods: MethodKind[];
  /** The backend runs against the providers' sandboxes. */
  testMode: boolean;
}

/** `change`: the method chosen, the form's completeness or its emptiness changed. */
export interface ChangeDetail {
  method: MethodKind | null;
  /** Every field is valid: Pay is enabled. */
  complete: boolean;
  /** Nothing is typed in the chosen method's fields. */
  empty: boolean;
}

/** `submit`: Pay was pressed on a valid form (or Try again): the payment is being created. */
export interface SubmitDetail {
  method: MethodKind | null;
}

/** `requires_action`: fired just before the page leaves for the provider's OTP page. */
export interface RequiresActionDetail {
  paymentId: string;
  /** The OTP page's address, `returnUrl` (this page) included. */
  url: string;
}

/** `success`: paid (`succeeded`) or funds reserved for capture (`pre_authorized`). */
export interface SuccessDetail {
  paymentId: string;
  status: 'succeeded' | 'pre_authorized';
  amountMinor: number;
  currency: string;
}

/** `failure`: the payment ended unpaid. */
export interface FailureDetail {
  paymentId: string;
  /** `canceled` also covers a payment found canceled or refunded when the shopper comes back. */
  status: 'rejected' | 'expired' | 'canceled' | 'failed';
  /** The provider's or the backend's code (`insufficient_funds`, `rejected`, …). */
  code: string;
  message: string;
  /** The shopper is offered to try again (a new attempt fires `submit` again). */
  retryable: boolean;
}

/**
 * `error`: something other than the payment went wrong. `code` is the backend's error code
 * (`not_found` for an unknown order, `invalid_request`, …) or one of the widget's:
 * `network_error` (backend unreachable), `provider_unavailable`, `http_<status>`,
 * `invalid_response`, `unsafe_redirect` (the OTP page is on an origin not allowed),
 * `missing_redirect`, `method_unavailable` (none of `methods` is offered), `load_failed` (the
 * widget's files could not be loaded or failed their integrity check), `invalid_options`
 * (script-tag or custom-element attributes), `widget_crashed` (the widget's code stopped, and only
 * a reload of the page brings it back; the message names where, as
 * `wasm-function[index]:0xoffset` in the build's wasm).
 */
export interface ErrorDetail {
  code: string;
  message: string;
}

export type Outcome = ({ type: 'success' } & SuccessDetail) | ({ type: 'failure' } & FailureDetail);

/** The DOM events fired on the host element, by type. */
export interface CheckoutEventMap {
  ready: CustomEvent<ReadyDetail>;
  change: CustomEvent<ChangeDetail>;
  submit: CustomEvent<SubmitDetail>;
  requires_action: CustomEvent<RequiresActionDetail>;
  success: CustomEvent<SuccessDetail>;
  failure: CustomEvent<FailureDetail>;
  error: CustomEvent<ErrorDetail>;
}

export interface CheckoutOptions {
  /** Required: an order reference in the backend's catalog, or a signed order token (`ot1.…`). */
  order: string;
  /** The merchant backend's base URL; `''` (default) is the page's own origin. */
  endpoint?: string;
  /** Only these of the methods the server offers for the order (default: all of them). */
  methods?: MethodKind[];
  /** Default: the browser's first language the widget speaks, else English. */
  lang?: Lang;
  /** Default: `light`. */
  theme?: Theme;
  appearance?: Appearance;
  /** Origins the OTP page may be on, instead of those the backend lists for the order. */
  redirectOrigins?: string[];
  onReady?: (detail: ReadyDetail) => void;
  onChange?: (detail: ChangeDetail) => void;
  onSubmit?: (detail: SubmitDetail) => void;
  onRequiresAction?: (detail: RequiresActionDetail) => void;
  onSuccess?: (detail: SuccessDetail) => void;
  onFailure?: (detail: FailureDetail) => void;
  onError?: (detail: ErrorDetail) => void;
}

export interface CheckoutHandle {
  /**
   * Resolves when the order is shown; rejects with an `Error` (`name` `CheckoutError`, `code` as
   * in {@link ErrorDetail}) if it cannot be loaded, or with an `AbortError` if unmounted first.
   */
  readonly ready: Promise<ReadyDetail>;
  /**
   * Settles once, at the first final status: `{type: 'success', …}` or `{type: 'failure', …}`
   * (later attempts after a retryable failure are told by events). Rejects with an `Error`
   * named `AbortError` if the widget is unmounted first, or like `ready` if the order cannot
   * be loaded.
   */
  readonly result: Promise<Outcome>;
  /**
   * Changes options in place: `lang`, `theme`, `appearance`, `methods`, `redirectOrigins` and
   * the callbacks apply at once; a new `order` or `endpoint` starts a new checkout (and new
   * `ready` and `result` promises). Throws a `TypeError` for bad options.
   */
  update(changes: Partial<CheckoutOptions>): void;
  /** Removes the widget, its polling, timers and listeners. */
  unmount(): void;
}

export interface CheckoutWidgetApi {
  /**
   * Renders a widget into `target` (replacing one already there) and answers its handle at
   * once. Throws a `TypeError` naming the problem for a missing `order`, an unknown method,
   * language, theme, option or appearance key, or a target that is not found.
   */
  mount(target: Element | string, options: CheckoutOptions): CheckoutHandle;
  /** The handle of the widget in `target` (also those the script tag mounted), or null. */
  get(target: Element | string): CheckoutHandle | null;
}

/**
 * `<checkout-widget order endpoint methods lang theme redirect-origins>`: attributes as the
 * options (lists comma-separated); changing one updates the widget, removing the element
 * unmounts it. Fires the events on itself.
 */
export interface CheckoutWidgetElement extends HTMLElement {
  readonly ready: Promise<ReadyDetail>;
  readonly result: Promise<Outcome>;
  addEventListener<K extends keyof CheckoutEventMap>(
    type: K,
    listener: (this: CheckoutWidgetElement, event: CheckoutEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

declare global {
  interface Window {
    CheckoutWidget: CheckoutWidgetApi;
  }
  const CheckoutWidget: CheckoutWidgetApi;
  interface HTMLElementTagNameMap {
    'checkout-widget': CheckoutWidgetElement;
  }
}
