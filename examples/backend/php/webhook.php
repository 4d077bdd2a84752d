<?php
// Verifies a delivery of the checkout server's webhooks (Standard Webhooks: the headers
// `webhook-id`, `webhook-timestamp`, `webhook-signature`), as the order system's endpoint must
// before it believes a word of the body.
//
//   require 'webhook.php';
//   $body = file_get_contents('php://input');          // the raw body, before any decoding
//   if (!checkout_verify_webhook($body, $_SERVER['HTTP_WEBHOOK_ID'] ?? '',
//           $_SERVER['HTTP_WEBHOOK_TIMESTAMP'] ?? '', $_SERVER['HTTP_WEBHOOK_SIGNATURE'] ?? '',
//           getenv('WEBHOOK_SECRET'))) {
//       http_response_code(400);
//       exit;
//   }
//   $event = json_decode($body, true);   // then act once per $event['id']: deliveries repeat
//
// From a shell: php webhook.php ID TIMESTAMP SIGNATURE < body checks one delivery against
// WEBHOOK_SECRET and exits 0 when it is genuine, 1 otherwise.

/** Deliveries older or newer than this many seconds are refused (replays). */
const CHECKOUT_WEBHOOK_TOLERANCE = 300;

function checkout_verify_webhook(string $body, string $id, string $timestamp, string $signatures, string $secret, ?int $now = null): bool
{
    if ($id === '' || !ctype_digit($timestamp) || !str_starts_with($secret, 'whsec_')) {
        return false;
    }
    if (abs(($now ?? time()) - (int) $timestamp) > CHECKOUT_WEBHOOK_TOLERANCE) {
        return false;
    }
    $key = base64_decode(substr($secret, strlen('whsec_')), true);
    if ($key === false) {
        return false;
    }
    $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
    // Several signatures when the server rotates its secret: any one of them will do.
    foreach (explode(' ', $signatures) as $signature) {
        [$version, $value] = array_pad(explode(',', $signature, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $value)) {
            return true;
        }
    }
    return false;
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    if ($argc < 4) {
        fwrite(STDERR, "usage: php webhook.php ID TIMESTAMP SIGNATURE < body\n");
        exit(2);
    }
    $genuine = checkout_verify_webhook(stream_get_contents(STDIN), $argv[1], $argv[2], $argv[3], (string) getenv('WEBHOOK_SECRET'));
    echo $genuine ? "genuine\n" : "refused\n";
    exit($genuine ? 0 : 1);
}
