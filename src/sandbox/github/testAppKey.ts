// SANDBOX-ONLY TEST KEY. This RSA private key signs GitHub App JWTs for the sandbox's GitHub emulator, whose world
// (worlds/default/github.json) holds the matching PUBLIC key. It was generated once for tests and is published on
// purpose: it grants nothing anywhere but the local sandbox. Never use it for a real GitHub App.

const SANDBOX_GITHUB_APP_ID = 424242;
const SANDBOX_GITHUB_APP_INSTALLATION_ID = 57000001;

const SANDBOX_GITHUB_APP_PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAr8id1eXhncFDGkwg290so2AmT5fjkGmTrR3xOS7qsj7+gaFL
CGJVYN6tZxsL5CpxzQXYF5lqTD3f/jt8md+4k1nvN7BV+CmBzgjHnZVxGi52HXKq
MMlCqZTWF7vU1ZrF62KVI65bqjL+HM7607Zoxf3OjrxU9ICZ2s3Q4c8x75aFXpBX
KAvzh/aLlK5rNFDnKwQe51NOSAjA5L/3vWP+GYIfxvTgbdtfWpk8cpvxNAUVE1cE
pwLvl0fH6pd/mGJMPwSpMBGGm8o+60hI/Z7es+Hj4oK6HJHF9Huz3ybpnkam1gYj
G/+y5u3kkK4S1TuvYety32irVq7uBTUvejAAMwIDAQABAoIBAEjrdYI+XwX0nnQB
wZ3DVdmeMLZS4V1OVqr5YVBh5I01sZkvwjMDq7xIE3HSl++6JcQxmO9NPnnLLyjF
H46rbmN96szUsw0DluvT247E6Aq+3FOh9fTQAH3dlqR40DUeA9194zVOhosHpT9p
I0cBA9yiSXYPrURSNsC8IVsS+vmSa/spAq379nT33L9wFvOZuj+dLQx2bVgPuvAC
aXiKLFxs3JrxM172+xifT0bs1YhnqZ3uTNu+7AYsR+f6i2za7/RXqo5Rud/cAuy1
8Ct++6YPd58K2lTYR+LBkJwEShTdIXGyfLCEsU9Z4B6dgkPndMuPhKoG4enCU9j6
bKiFSMECgYEA6jRxMsFBhatACwjf4PG8zfbRSFCjVxbN2xoxw3+lKkfR3Jy7Wbr2
FJkwG2xF2XPsLl2XoVgtWNNeoUPwRyxYaVOjBju+VQSGoqe3wJ0rcbG8MhdJuUwI
ZjGCU1tFZ+CyJI4OcnyFxgn8xb0QtZqa97ulPyK6JLmKrySIpmQmF8ECgYEAwCRh
5ZbXa3Al1KVuMmOHlxMuOP+eou8iqONehPgBg/xQjHbfI7iYETXvbVySLLzER7oE
zGi6Fe7yGb5J9zH/OpHafPHwoUmxS4yAOrJMEFE4f1cpHTeo4RnLTbu53NfYY50I
FcPOVfgLm/Au1wDSqj2HC9k8lTGgi9qotNhEdPMCgYAyZ/EJBHDurOnOti1BA6Yo
CfwG/Vv6TW0mv99//QP2MpjnS1BDQqrdyg6BiG8MGxf07q3IyuqPmIZgXPfkyZWJ
rbeDiu4u7BdyAHja2rjT8nXXrg1u9P9Fx1gOSrGIZuLQXUacu1IrSlD92fAztb+u
m9M34GiBqPFBOrKyZRGRwQKBgG2llXQmM0JtWjlSOmNo5txwpqUCQm3ql1XXgn3Q
5VSDbRfrUgUZdzYDGGHJPOVox33DCq/3Z5HSrLfCHoWBM4wh5ZP9oPr5icJ6KEbW
ro91Og95Fs5EkAv840a1xSfgyOx3lUCOX7YxebaARsqM/qsFt4YsbuUYz+xfWHzz
GYW/AoGBANOVOMpl9pRwJveF6NDgxrcgu7ChJBvbq6lzSsDP0k/HP7v+nygc2SGk
Vv7tMb32ncGqMH0HsgwwY21M+GWDmgtDni5Ao5PAgccjD3CjLPfWACdFN5rxT5jz
1r/Um8gg62nGLnm6yYxdPMZEMaBKktd751A9qBOW4qqNeZ5CoYsM
-----END RSA PRIVATE KEY-----
`;

/** App settings that make the runtime authenticate to the sandbox's GitHub emulator as the seeded GitHub App. */
export function githubAppSettings(): { GITHUB_APP_ID: string; GITHUB_APP_PRIVATE_KEY: string; GITHUB_APP_INSTALLATION_ID: string } {
  return {
    GITHUB_APP_ID: String(SANDBOX_GITHUB_APP_ID),
    GITHUB_APP_PRIVATE_KEY: SANDBOX_GITHUB_APP_PRIVATE_KEY,
    GITHUB_APP_INSTALLATION_ID: String(SANDBOX_GITHUB_APP_INSTALLATION_ID),
  };
}
