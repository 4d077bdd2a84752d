<?php
// Signs an order token for the checkout widget, as a merchant's backend does on each page that
// shows the widget. The browser cannot change what it signs: the amount comes from here.
//
//   require 'order-token.php';
//   $token = checkout_order_token([
//       'reference' => 'INV-2042',
//       'description' => 'Two concert tickets',
//       'amount_minor' => 420000,          // 4,200.00 DZD
//       'currency' => 'DZD',
//       'expires_at' => time() + 3600,     // required: refused after it
//   ], getenv('ORDER_SIGNING_SECRET'));
//
// Then echo '<checkout-widget order="' . htmlspecialchars($token) . '" …></checkout-widget>'.
// Signing a fresh token on every page load is fine: the widget finds the shopper's attempt by
// the order's reference.
//
// From a shell: php order-token.php REFERENCE AMOUNT_MINOR CURRENCY [DESCRIPTION] prints one,
// signed with ORDER_SIGNING_SECRET (a sandbox server's is in docs/integration.md, "The sandbox's
// own secrets").

function checkout_base64url(string $bytes): string
{
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

/** `ot1.<payload>.<signature>`: base64url JSON, then base64url HMAC-SHA256 of `ot1.<payload>`. */
function checkout_order_token(array $order, string $secret): string
{
    foreach (['reference', 'description', 'amount_minor', 'currency', 'expires_at'] as $field) {
        if (!array_key_exists($field, $order)) {
            throw new InvalidArgumentException("the order needs `$field`");
        }
    }
    $order['amount_minor'] = (int) $order['amount_minor'];
    $order['expires_at'] = (int) $order['expires_at'];
    $payload = checkout_base64url(json_encode($order, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR));
    $signed = 'ot1.' . $payload;
    return $signed . '.' . checkout_base64url(hash_hmac('sha256', $signed, $secret, true));
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    if ($argc < 4) {
        fwrite(STDERR, "usage: php order-token.php REFERENCE AMOUNT_MINOR CURRENCY [DESCRIPTION]\n");
        exit(2);
    }
    $secret = getenv('ORDER_SIGNING_SECRET');
    if ($secret === false || $secret === '') {
        fwrite(STDERR, "set ORDER_SIGNING_SECRET\n");
        exit(2);
    }
    echo checkout_order_token([
        'reference' => $argv[1],
        'description' => $argv[4] ?? ('Order ' . $argv[1]),
        'amount_minor' => (int) $argv[2],
        'currency' => strtoupper($argv[3]),
        'expires_at' => time() + 3600,
    ], $secret), "\n";
}
