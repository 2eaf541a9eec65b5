// The front door of the webhook channel (README.md): subscriptions (WebhookKind in the channel
// registry) and the engine that delivers them, signed, with retries.
#pragma once

#include "webhooks/service.h"       // IWYU pragma: export
#include "webhooks/subscription.h"  // IWYU pragma: export
