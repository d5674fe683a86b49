// Removes credentials from any text before it reaches a log line, an error message or run history.

/**
 * Settings whose values are secrets, by name: their exact values are removed wherever they appear. The same rule
 * as the host's logger, so a remote error that echoes e.g. APPROVAL_SIGNING_KEY cannot reach a comment or history.
 */
const SECRET_SETTING_NAME = /KEY|SECRET|TOKEN|PASSWORD|CONNECTION|HEADER/i;

const REDACTED = '[REDACTED]';

// A new pattern needs its required text in ANY_PATTERN_MAY_MATCH too.
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

/**
 * Text that every one of PATTERNS needs, as one case-insensitive test: most incident text (names, GUIDs,
 * severities) contains none of it and skips the six replacements.
 */
const ANY_PATTERN_MAY_MATCH = /-----BEGIN|bearer|basic|token|sharedaccesssignature|hmac-sha256|gh[pousr]_|github_pat_|eyj|=/i;

// Reading every value of process.env costs a native call each, and redaction runs for every incident: the
// names are listed (cheap) and the secret ones picked again only when the names change; values are read on
// each use, so a changed secret is always the current one.
let settingNames: string[] = [];
let secretNames: string[] = [];

function secretSettingValues(): string[] {
  const names = Object.keys(process.env);
  if (names.length !== settingNames.length || names.some((name, i) => name !== settingNames[i])) {
    settingNames = names;
    secretNames = names.filter((name) => SECRET_SETTING_NAME.test(name));
  }
  const values: string[] = [];
  for (const name of secretNames) {
    const value = process.env[name];
    if (value && value.length >= 8) values.push(value);
  }
  return values;
}

export function redact(text: string): string {
  return redactor()(text);
}

/** redact() for many texts in a row (an incident's): the secret settings are read once, when it is made. */
export function redactor(): (text: string) => string {
  const secrets = secretSettingValues();
  return (text) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (!ANY_PATTERN_MAY_MATCH.test(out)) return out;
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}
