//! The sandbox embedded in a sandbox-mode server: its `SANDBOX_*` variables, its links and
//! return addresses pointing at this server, and its webhooks sent to this server.

use checkout_sandbox::SandboxConfig;

use super::listen::Listen;
use super::{split_list, ConfigError, ProviderMode, Settings, WebhookConfig};

pub(super) struct Embedded {
    pub sandbox: SandboxConfig,
    /// Whether outcomes are announced by the providers' webhooks (and reconcile may wait
    /// longer before its first check).
    pub provider_webhooks: bool,
}

impl Embedded {
    pub fn read(
        settings: &Settings,
        listen: &Listen,
        webhooks: &WebhookConfig,
    ) -> Result<Self, ConfigError> {
        let mode = settings.provider_mode;
        // The `SANDBOX_*` variables are the sandbox's own; its links point at this server
        // unless `SANDBOX_PUBLIC_URL` says otherwise.
        let mut sandbox: SandboxConfig = settings.sandbox.clone().config()?;
        sandbox
            .public_base_url
            .get_or_insert_with(|| listen.public_url.clone());
        // The OTP page sends shoppers back only to the shop: this server's pages and the
        // merchant pages allowed to call it.
        sandbox.return_origins.push(listen.public_url.clone());
        if let Some(list) = &settings.cors_origins {
            sandbox
                .return_origins
                .extend(split_list(list).into_iter().filter(|origin| origin != "*"));
        }
        // The embedded sandbox notifies this server, signed with the secrets it expects.
        if mode == ProviderMode::Sandbox && sandbox.send_webhooks {
            use checkout_sandbox::WebhookTarget;
            sandbox.webhooks.yassir.get_or_insert(WebhookTarget {
                url: format!("{}/webhooks/yassir", listen.local_base),
                secret: webhooks
                    .yassir_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
            });
            sandbox.webhooks.yabetoo.get_or_insert(WebhookTarget {
                url: format!("{}/webhooks/yabetoo", listen.local_base),
                secret: webhooks
                    .yabetoo_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
            });
        }
        // Outcomes are announced by webhooks when Yabetoo signs them to this server, or when the
        // embedded sandbox is the provider and sends them.
        let embedded_sandbox = settings.yassir_base_url.is_none()
            && settings.yabetoo_base_url.is_none()
            && sandbox.send_webhooks;
        let provider_webhooks = match mode {
            ProviderMode::Sandbox => embedded_sandbox,
            ProviderMode::Live => webhooks.yabetoo_secret.is_some(),
        };
        Ok(Self {
            sandbox,
            provider_webhooks,
        })
    }
}
