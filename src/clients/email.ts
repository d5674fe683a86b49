// Azure Communication Services Email: HMAC auth with ACS_CONNECTION_STRING when set, else the managed identity.

import type { EmailClient } from '@azure/communication-email';
import { azureRetryOptions } from './azureSdk.js';
import { azureCredential } from './credential.js';
import { emailSdk } from './sdks.js';
import { baseUrlSetting, clientCache, optionalSetting, requiredSetting } from './settings.js';
import { trustExtraCa } from './trust.js';

const clients = clientCache<EmailClient>();

export function emailClient(): EmailClient {
  trustExtraCa();
  const connectionString = optionalSetting('ACS_CONNECTION_STRING');
  if (connectionString !== undefined) {
    return clients(`hmac|${connectionString}`, () => new (emailSdk().EmailClient)(connectionString, { retryOptions: azureRetryOptions() }));
  }
  const endpoint = baseUrlSetting('ACS_ENDPOINT');
  const credential = azureCredential();
  return clients(`entra|${endpoint}|${credential.key}`, () => new (emailSdk().EmailClient)(endpoint, credential, { retryOptions: azureRetryOptions() }));
}

export function emailSenderAddress(): string {
  return requiredSetting('EMAIL_SENDER_ADDRESS');
}
