// Removes credentials from any text before it reaches a log line, an error message or run history.

/**
 * Settings whose values are secrets, by name: their exact values are removed wherever they appear. The same rule
 * as the host's logger, so a remote error that echoes e.g. APPROVAL_SIGNING_KEY cannot reach a comment or history.
 */
const SECRET_SETTING_NAME = /KEY|SECRET|TOKEN|PASSWORD|CONNECTION|HEADER/i;

const REDACTED = '[REDACTED]';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // PEM private keys, whole block.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // Authorization schemes followed by a credential-looking value.
  [/\b(Bearer|Basic|token|SharedAccessSignature)(\s+)[A-Za-z0-9._~+/=:-]{12,}/gi, `$1$2${REDACTED}`],
  [/\bHMAC-SHA256\s+[^\s"']+/gi, `HMAC-SHA256 ${REDACTED}`],
  // GitHub tokens: classic and fine-grained PATs, app installation, OAuth, user-to-server and refresh tokens.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/g, REDACTED],
  // JWTs (three base64url parts, the first being a JSON header).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Credentials in connection strings and query strings.
  [/\b(accesskey|sharedaccesskey|code|sig|signature|access_token|refresh_token|client_secret|password)=([^&;\s"']+)/gi, `$1=${REDACTED}`],
];

function secretSettingValues(): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(process.env)) {
    if (value && value.length >= 8 && SECRET_SETTING_NAME.test(name)) values.push(value);
  }
  return values;
}

export function redact(text: string): string {
  return redactor()(text);
}

/** redact() for many texts in a row (an incident's): the settings, slow to enumerate, are read once, when it is made. */
export function redactor(): (text: string) => string {
  const secrets = secretSettingValues();
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}
