// Removes credentials from any text before it reaches a log line, an error message or run history.

/**
 * Settings whose values are secrets, by name: their exact values are removed wherever they appear. The same rule
 * as the host's logger, so a remote error that echoes e.g. APPROVAL_SIGNING_KEY cannot reach a comment or history.
 */
const SECRET_SETTING_NAME = /KEY|SECRET|TOKEN|PASSWORD|CONNECTION|HEADER/i;

const REDACTED = '[REDACTED]';

// Each group's required text is in its MAY_MATCH test: add a pattern's there too.

/** Credential shapes that no ordinary text has: private keys, GitHub tokens, JWTs. */
const CREDENTIAL_SHAPES: readonly RegExp[] = [
  // PEM private keys, whole block.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // GitHub tokens: classic and fine-grained PATs, app installation, OAuth, user-to-server and refresh tokens.
  /\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/g,
  // JWTs (three base64url parts, the first being a JSON header).
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
];
const CREDENTIAL_SHAPES_MAY_MATCH = /-----BEGIN|gh[pousr]_|github_pat_|eyJ/;

/**
 * Words that carry a credential after them, as in headers, connection strings and query strings. They also
 * occur in ordinary prose ("Basic authentication", "code=1"), so incident text is not run through them.
 */
const CARRIERS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic|token|SharedAccessSignature)(\s+)[A-Za-z0-9._~+/=:-]{12,}/gi, `$1$2${REDACTED}`],
  [/\bHMAC-SHA256\s+[^\s"']+/gi, `HMAC-SHA256 ${REDACTED}`],
  [/\b(accesskey|sharedaccesskey|code|sig|signature|access_token|refresh_token|client_secret|password)=([^&;\s"']+)/gi, `$1=${REDACTED}`],
];
const CARRIERS_MAY_MATCH = /bearer|basic|token|sharedaccesssignature|hmac-sha256|=/i;

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

/** For log lines and error messages: secret settings' values, credential shapes, and what follows a carrier. */
export function redact(text: string): string {
  return redactor()(text);
}

/**
 * redact() for many texts in a row: the secret settings are read once, when it is made. With `carriers: false`
 * (for untrusted data such as incident text, which playbooks are matched on) only secret settings' values and
 * credential shapes are removed, so ordinary words stay.
 */
export function redactor(options: { carriers?: boolean } = {}): (text: string) => string {
  const secrets = secretSettingValues();
  const carriers = options.carriers ?? true;
  return (text) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (CREDENTIAL_SHAPES_MAY_MATCH.test(out)) for (const pattern of CREDENTIAL_SHAPES) out = out.replace(pattern, REDACTED);
    if (carriers && CARRIERS_MAY_MATCH.test(out)) for (const [pattern, replacement] of CARRIERS) out = out.replace(pattern, replacement);
    return out;
  };
}
