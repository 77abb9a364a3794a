export const id = 486;
export const ids = [486];
export const modules = {

/***/ 8486:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  TOKEN_SUBCOMMANDS: () => (/* binding */ TOKEN_SUBCOMMANDS),
  runTokenCreate: () => (/* binding */ runTokenCreate),
  runTokenList: () => (/* binding */ runTokenList),
  runTokenRevoke: () => (/* binding */ runTokenRevoke),
  runTokenRotate: () => (/* binding */ runTokenRotate),
  workflowLines: () => (/* binding */ workflowLines)
});

// EXTERNAL MODULE: ./src/check/grade.ts
var check_grade = __webpack_require__(859);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/http/client.ts + 1 modules
var client = __webpack_require__(9979);
// EXTERNAL MODULE: ./src/util/redactor.ts
var util_redactor = __webpack_require__(7938);
// EXTERNAL MODULE: ./src/util/untrusted.ts
var untrusted = __webpack_require__(9630);
;// CONCATENATED MODULE: ./src/github/names.ts
/**
 * GitHub's rules for the names of Actions secrets and variables, and for environment names, checked here
 * so a bad name fails before any request with a message that says which rule it breaks. Pure.
 */


/** A secret, variable or environment name GitHub would refuse. */
class GitHubNameError extends errors/* ActionError */.lZ {
    name = 'GitHubNameError';
}
const shown = (value) => (0,untrusted/* escapeControls */.UN)(JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value), true);
/**
 * The name GitHub stores for a secret (`kind` 'secret') or variable ('variable'): letters, digits and
 * underscores, not starting with a digit or `GITHUB_`; case-insensitive, so uppercased as GitHub shows it.
 */
function actionsName(kind, name) {
    const fail = (why) => {
        throw new GitHubNameError(`The ${kind} name ${shown(name)} is not one GitHub accepts: ${why}.`);
    };
    if (name === '')
        fail('it is empty');
    if (!/^[A-Za-z0-9_]+$/.test(name))
        fail('a name has only letters A–Z, digits 0–9 and underscores (no spaces, hyphens or dots)');
    if (/^[0-9]/.test(name))
        fail('a name must not start with a digit');
    const upper = name.toUpperCase();
    if (upper.startsWith('GITHUB_'))
        fail('names starting with GITHUB_ are reserved by GitHub');
    return upper;
}
const secretName = (name) => actionsName('secret', name);
const variableName = (name) => actionsName('variable', name);
/** An environment name: 1 to 255 characters, one plain line (GitHub refuses control characters). */
function environmentName(name) {
    const fail = (why) => {
        throw new GitHubNameError(`The environment name ${shown(name)} is not one GitHub accepts: ${why}.`);
    };
    if (name.trim() === '')
        fail('it is empty');
    if (name.length > 255)
        fail(`it is ${name.length} characters long; GitHub allows at most 255`);
    if ((0,untrusted/* escapeControls */.UN)(name, true) !== name)
        fail('it contains control characters');
    return name;
}

;// CONCATENATED MODULE: ./src/github/sealed-box.ts
/**
 * Encrypts a value for a GitHub Actions secret as GitHub's documentation does: a libsodium sealed box
 * (crypto_box_seal: an ephemeral X25519 key pair, XSalsa20-Poly1305) to the repository's or
 * environment's public key, base64 (original variant, padded). libsodium-wrappers is loaded here, on the
 * first call, so no bundle or command that never stores a secret loads it.
 */

/** GitHub's public key for secrets could not be used. */
class PublicKeyError extends errors/* ActionError */.lZ {
    name = 'PublicKeyError';
}
/** 32 bytes in standard padded base64: 43 characters and one `=`. */
const KEY_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
/** The base64 sealed box of `value` for the Curve25519 public key `publicKeyBase64` (as GitHub serves it). */
async function sealForGitHub(publicKeyBase64, value) {
    if (typeof publicKeyBase64 !== 'string' || !KEY_BASE64.test(publicKeyBase64)) {
        const length = typeof publicKeyBase64 === 'string' ? `${publicKeyBase64.length} characters` : typeof publicKeyBase64;
        throw new PublicKeyError(`GitHub's public key for Actions secrets is not a 32-byte Curve25519 key in base64 (got ${length}; expected 44 characters ending in '='). Is the GitHub API URL right?`);
    }
    const sodium = (await __webpack_require__.e(/* import() */ 768).then(__webpack_require__.bind(__webpack_require__, 4768))).default;
    await sodium.ready;
    const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
    const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
    return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}

;// CONCATENATED MODULE: ./src/github/actions-api.ts
/**
 * The slice of GitHub's REST API that `token create|rotate` needs: a repository's existence, its
 * environments, Actions secrets (sealed to the repository's or environment's public key) and Actions
 * variables. Every request goes through the caller's HttpClient (its per-request timeout, its one
 * deadline, its retries of 429/5xx; nothing retried here), to URLs built relative to the API root, so a
 * GitHub Enterprise Server root (`https://HOST/api/v3`) works as api.github.com does. Every refusal
 * becomes one GitHubApiError that says what to change; no message ever holds the token or a secret value,
 * and GitHub's own words are quoted escaped (and with both scrubbed, should an answer echo them).
 */






const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
/** GitHub's limit on a secret's and a variable's value. */
const MAX_VALUE_BYTES = 48 * 1024;
/** Most characters of GitHub's own message quoted in ours. */
const MAX_QUOTED = 300;
/** GitHub answered with a refusal or something unexpected; `status` is its HTTP status (0: refused here, before asking GitHub). */
class GitHubApiError extends errors/* ActionError */.lZ {
    status;
    name = 'GitHubApiError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
const slug = (repo) => `${repo.owner}/${repo.repo}`;
const where = (repo, environment) => environment === undefined ? slug(repo) : `${slug(repo)} (environment ${(0,untrusted/* escapeControls */.UN)(JSON.stringify(environment), true)})`;
class GitHubActionsApi {
    http;
    base;
    token;
    tokenSource;
    userAgent;
    constructor(opts) {
        if (!opts.token)
            throw new errors/* InputError */.dz(opts.tokenSource ?? 'GitHub token', 'the GitHub token is empty.');
        this.http = opts.http;
        this.base = apiBase(opts.apiUrl);
        this.token = opts.token;
        this.tokenSource = opts.tokenSource ? `the GitHub token from ${opts.tokenSource}` : 'the GitHub token';
        this.userAgent = opts.userAgent;
    }
    /** GET /repos/{o}/{r}: the repository as the token sees it. */
    async repository(repo) {
        const ctx = { action: `Reading the GitHub repository ${slug(repo)}`, repo };
        const response = await this.request('GET', ['repos', repo.owner, repo.repo], undefined, 'GitHub repository');
        if (response.status === 404) {
            throw new GitHubApiError(`GitHub repository ${slug(repo)} not found, or the GitHub token cannot see it (${this.tokenSource}: a fine-grained token must have ${slug(repo)} among its repositories; a classic token needs the \`repo\` scope for a private repository).`, 404);
        }
        if (response.status !== 200)
            throw this.failure(response, ctx);
        const body = this.json(response, ctx);
        if (!body || typeof body.full_name !== 'string' || !/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/.test(body.full_name)) {
            throw this.unexpected(response, ctx, 'no owner/repo full_name');
        }
        return { fullName: body.full_name, ...(typeof body.private === 'boolean' ? { private: body.private } : {}) };
    }
    /** GET /repos/{o}/{r}/environments/{env}: whether the environment exists (checked before anything is created in it). */
    async environmentExists(repo, environment) {
        const env = environmentName(environment);
        const ctx = { action: `Reading the environment of ${where(repo, env)}`, repo, environment: env };
        const response = await this.request('GET', ['repos', repo.owner, repo.repo, 'environments', env], undefined, 'GitHub environment');
        if (response.status === 404)
            return false;
        if (response.status !== 200)
            throw this.failure(response, ctx);
        this.json(response, ctx);
        return true;
    }
    /**
     * Stores `value` as the Actions secret `name` of the repository (or of its `environment`): GitHub's
     * public key for it, the value sealed to it, PUT. 'created' (201) or 'updated' (204).
     */
    async putSecret(repo, name, value, environment) {
        const secret = secretName(name);
        const env = environment === undefined ? undefined : environmentName(environment);
        const ctx = { action: `Storing the secret ${secret} in ${where(repo, env)}`, repo, environment: env, area: 'secrets' };
        if (value === '')
            throw new GitHubApiError(`${ctx.action}: the value is empty; refusing to store an empty secret.`, 0);
        const bytes = Buffer.byteLength(value);
        if (bytes > MAX_VALUE_BYTES)
            throw new GitHubApiError(`${ctx.action}: the value is ${bytes} bytes; GitHub stores at most ${MAX_VALUE_BYTES}.`, 0);
        const scope = this.scope(repo, env);
        const keyResponse = await this.request('GET', [...scope, 'secrets', 'public-key'], undefined, 'GitHub secrets public key');
        if (keyResponse.status !== 200)
            throw this.failure(keyResponse, ctx, value);
        const key = this.json(keyResponse, ctx);
        if (!key || typeof key.key_id !== 'string' || key.key_id === '' || typeof key.key !== 'string') {
            throw this.unexpected(keyResponse, ctx, 'a public key without key_id or key');
        }
        const encrypted = await sealForGitHub(key.key, value);
        const body = JSON.stringify({ encrypted_value: encrypted, key_id: key.key_id });
        const response = await this.request('PUT', [...scope, 'secrets', secret], body, 'GitHub secret');
        if (response.status === 201)
            return 'created';
        if (response.status === 204 || response.status === 200)
            return 'updated';
        throw this.failure(response, ctx, value);
    }
    /** The value of the Actions variable `name` of the repository (or of its `environment`); undefined when there is none. */
    async getVariable(repo, name, environment) {
        const variable = variableName(name);
        const env = environment === undefined ? undefined : environmentName(environment);
        const ctx = { action: `Reading the variable ${variable} of ${where(repo, env)}`, repo, environment: env, area: 'variables' };
        const response = await this.request('GET', [...this.scope(repo, env), 'variables', variable], undefined, 'GitHub variable');
        if (response.status === 404)
            return undefined;
        if (response.status !== 200)
            throw this.failure(response, ctx);
        const body = this.json(response, ctx);
        if (!body || typeof body.value !== 'string')
            throw this.unexpected(response, ctx, 'a variable without a value');
        return body.value;
    }
    /**
     * Sets the Actions variable `name` of the repository (or of its `environment`) to `value`: PATCH, and on
     * 404 POST; a POST that finds it created meanwhile (409) PATCHes once more. 'created' or 'updated'.
     */
    async setVariable(repo, name, value, environment) {
        const variable = variableName(name);
        const env = environment === undefined ? undefined : environmentName(environment);
        const ctx = { action: `Setting the variable ${variable} of ${where(repo, env)}`, repo, environment: env, area: 'variables' };
        const bytes = Buffer.byteLength(value);
        if (bytes > MAX_VALUE_BYTES)
            throw new GitHubApiError(`${ctx.action}: the value is ${bytes} bytes; GitHub stores at most ${MAX_VALUE_BYTES}.`, 0);
        const scope = this.scope(repo, env);
        const body = JSON.stringify({ name: variable, value });
        const patch = () => this.request('PATCH', [...scope, 'variables', variable], body, 'GitHub variable');
        const patched = await patch();
        if (patched.status === 204 || patched.status === 200)
            return 'updated';
        if (patched.status !== 404)
            throw this.failure(patched, ctx);
        const posted = await this.request('POST', [...scope, 'variables'], body, 'GitHub variable');
        if (posted.status === 201 || posted.status === 200)
            return 'created';
        if (posted.status !== 409)
            throw this.failure(posted, ctx);
        const again = await patch();
        if (again.status === 204 || again.status === 200)
            return 'updated';
        throw this.failure(again, ctx);
    }
    /** Deletes the Actions variable `name` of the repository (or of its `environment`); one already absent (404) is fine. */
    async deleteVariable(repo, name, environment) {
        const variable = variableName(name);
        const env = environment === undefined ? undefined : environmentName(environment);
        const ctx = { action: `Deleting the variable ${variable} of ${where(repo, env)}`, repo, environment: env, area: 'variables' };
        const response = await this.request('DELETE', [...this.scope(repo, env), 'variables', variable], undefined, 'GitHub variable');
        if (response.status === 204 || response.status === 200 || response.status === 404)
            return;
        throw this.failure(response, ctx);
    }
    // ---- plumbing ------------------------------------------------------------------------------
    /** The path segments of the repository's (or environment's) secrets and variables, up to `secrets|variables`. */
    scope(repo, environment) {
        return environment === undefined ? ['repos', repo.owner, repo.repo, 'actions'] : ['repos', repo.owner, repo.repo, 'environments', environment];
    }
    async request(method, segments, body, purpose) {
        const url = new URL(segments.map((s) => encodeURIComponent(s)).join('/'), this.base);
        const headers = {
            authorization: `Bearer ${this.token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            ...(this.userAgent ? { 'user-agent': this.userAgent } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        };
        return this.http.send(url, { method, headers, body, purpose });
    }
    json(response, ctx) {
        return (0,client/* parseJsonBody */.Y2)(response, ctx.action);
    }
    unexpected(response, ctx, what) {
        return new GitHubApiError(`${ctx.action}: GitHub answered HTTP ${response.status} with ${what}. Is the GitHub API URL (${this.base.href}) right?`, response.status);
    }
    /** GitHub's message (and its `errors`), scrubbed of the token and `secretValue`, escaped, capped, quoted; '' when none. */
    quoted(response, secretValue) {
        let body;
        try {
            body = JSON.parse(response.text);
        }
        catch {
            return '';
        }
        if (!body || typeof body !== 'object')
            return '';
        const parts = [];
        if (typeof body.message === 'string' && body.message !== '')
            parts.push(body.message);
        if (Array.isArray(body.errors)) {
            for (const e of body.errors.slice(0, 3)) {
                if (typeof e === 'string')
                    parts.push(e);
                else if (e && typeof e === 'object') {
                    const { message, code, field } = e;
                    if (typeof message === 'string')
                        parts.push(message);
                    else if (typeof code === 'string')
                        parts.push(typeof field === 'string' ? `${field}: ${code}` : code);
                }
            }
        }
        if (parts.length === 0)
            return '';
        const redactor = new util_redactor/* Redactor */.pO();
        redactor.add(this.token);
        if (secretValue)
            redactor.add(secretValue);
        let text = redactor.redact(parts.join('; '));
        if (text.length > MAX_QUOTED)
            text = `${text.slice(0, MAX_QUOTED)}…`;
        return (0,untrusted/* escapeControls */.UN)(JSON.stringify(text), true);
    }
    /** The permission a secrets or variables request needs, in words: GitHub's own header first, then both token kinds. */
    permissionHint(response, ctx) {
        const target = slug(ctx.repo);
        const area = ctx.area;
        const fineGrained = ctx.environment === undefined
            ? area === 'secrets'
                ? '"Secrets: Read and write"'
                : '"Variables: Read and write"'
            : area === 'secrets'
                ? '"Secrets: Read and write" and "Environments: Read and write"'
                : '"Environments: Read and write"';
        const accepted = response.headers['x-accepted-github-permissions'];
        const asked = accepted ? ` GitHub asks for ${(0,untrusted/* escapeControls */.UN)(JSON.stringify(accepted.slice(0, 200)), true)}.` : '';
        return (`${asked} A fine-grained token needs ${fineGrained} with ${target} among its repositories; a classic token needs the \`repo\` scope;` +
            ` and the token's user needs write (or admin) access to ${target}.`);
    }
    failure(response, ctx, secretValue) {
        const status = response.status;
        const said = this.quoted(response, secretValue);
        const github = said ? `: ${said}` : '';
        if (status === 401) {
            return new GitHubApiError(`${ctx.action}: GitHub rejected ${this.tokenSource} (HTTP 401${github}): it is invalid, expired or revoked. Create a new token and set it again.`, 401);
        }
        const headers = response.headers;
        if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said))) {
            const reset = Number(headers['x-ratelimit-reset']);
            const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
            return new GitHubApiError(`${ctx.action}: GitHub's API rate limit for this token is used up${when} (HTTP ${status}). Run again later.`, status);
        }
        if (status === 403 && headers['x-github-sso']) {
            return new GitHubApiError(`${ctx.action}: GitHub refused (HTTP 403${github}): ${slug(ctx.repo)}'s organization enforces SAML single sign-on; authorize ${this.tokenSource} for it (token settings → Configure SSO).`, 403);
        }
        if ((status === 403 || status === 404) && ctx.area) {
            const integration = /by integration/i.test(said) ? " A workflow's GITHUB_TOKEN can never manage secrets or variables: use a personal access token." : '';
            const lead = status === 403
                ? `${ctx.action}: GitHub refused (HTTP 403${github}): ${this.tokenSource} lacks the permission.`
                : `${ctx.action}: GitHub answered 404 Not Found: ${where(ctx.repo, ctx.environment)} does not exist, or ${this.tokenSource} cannot see it or lacks the permission.`;
            return new GitHubApiError(`${lead}${this.permissionHint(response, ctx)}${integration}`, status);
        }
        if (status === 422) {
            const stale = ctx.area === 'secrets' ? ' If GitHub rotated the public key for secrets meanwhile, run again.' : '';
            return new GitHubApiError(`${ctx.action}: GitHub refused it (HTTP 422${github}).${stale}`, 422);
        }
        const later = status >= 500 ? ' GitHub may be having trouble; try again later (https://www.githubstatus.com).' : '';
        return new GitHubApiError(`${ctx.action}: GitHub answered HTTP ${status}${github}.${later}`, status);
    }
}
/** The API root as a base URL ending in '/', so every path resolves below it (GHES: https://HOST/api/v3/). */
function apiBase(apiUrl) {
    const text = (apiUrl ?? '').trim() || DEFAULT_GITHUB_API_URL;
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new errors/* InputError */.dz('GITHUB_API_URL', `${(0,untrusted/* escapeControls */.UN)(JSON.stringify(text.slice(0, 200)), true)} is not a URL; expected https://api.github.com or https://HOST/api/v3.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new errors/* InputError */.dz('GITHUB_API_URL', `${(0,untrusted/* escapeControls */.UN)(JSON.stringify(url.protocol), true)} is not http(s); expected https://api.github.com or https://HOST/api/v3.`);
    }
    if (url.username || url.password)
        throw new errors/* InputError */.dz('GITHUB_API_URL', 'the URL holds credentials; give the token separately.');
    url.search = '';
    url.hash = '';
    if (!url.pathname.endsWith('/'))
        url.pathname += '/';
    return url;
}

;// CONCATENATED MODULE: ./src/github/repo.ts
/**
 * Repository names as GitHub spells them: `OWNER/REPO` from a flag, and the owner, name and host of a git
 * remote URL (scp-like `git@host:o/r.git`, `https://[user@]host/o/r[.git]`, `ssh://git@host[:port]/o/r.git`).
 * Pure.
 */


/**
 * An account (user or organization) name: letters, digits and hyphens, not starting with a hyphen, at most
 * 39 characters. Older accounts may have a doubled or trailing hyphen, and Enterprise Managed Users an
 * `_shortcode` suffix, so those are accepted too.
 */
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
/** A repository name: letters, digits, `-`, `_` and `.`, at most 100 characters; `.` and `..` are reserved. */
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
/** Why `owner` is not an account name GitHub allows, or undefined when it is. */
function ownerProblem(owner) {
    if (owner === '')
        return 'the owner is empty';
    if (owner.length > 39)
        return `the owner is ${owner.length} characters long; GitHub allows at most 39`;
    if (!OWNER.test(owner))
        return 'an owner has only letters, digits and hyphens, and does not start with a hyphen';
    return undefined;
}
/** Why `repo` is not a repository name GitHub allows, or undefined when it is. */
function repoProblem(repo) {
    if (repo === '')
        return 'the repository name is empty';
    if (repo.length > 100)
        return `the repository name is ${repo.length} characters long; GitHub allows at most 100`;
    if (!REPO.test(repo))
        return 'a repository name has only letters, digits, hyphens, underscores and dots';
    if (repo === '.' || repo === '..')
        return `'${repo}' is reserved`;
    return undefined;
}
/** 'octo-org/octo-repo' → { owner, repo }; anything else throws an InputError naming `source` (default `--repo`) and the value. */
function parseRepoSlug(value, source = '--repo') {
    const shown = (0,untrusted/* escapeControls */.UN)(JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value), true);
    const trimmed = value.trim();
    const fail = (why) => {
        throw new errors/* InputError */.dz(source, `expected OWNER/REPO (for example octo-org/octo-repo), got ${shown}: ${why}.`);
    };
    if (trimmed === '')
        fail('it is empty');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^[^/\s]+@[^/\s]+:/.test(trimmed)) {
        const fromUrl = repoFromRemoteUrl(trimmed);
        fail(fromUrl ? `that is a URL; give ${fromUrl.owner}/${fromUrl.repo}` : 'that is a URL, not OWNER/REPO');
    }
    const parts = trimmed.split('/');
    if (parts.length !== 2)
        fail(parts.length < 2 ? 'there is no slash between the owner and the repository' : 'there is more than one slash');
    const [owner, repo] = parts;
    const problem = ownerProblem(owner) ?? repoProblem(repo);
    if (problem)
        fail(problem);
    return { owner, repo };
}
/** Owner, repository and host of a git remote URL on GitHub or GitHub Enterprise Server; undefined for anything else. */
function repoFromRemoteUrl(url) {
    const text = url.trim();
    if (text === '' || /\s/.test(text))
        return undefined;
    let host;
    let path;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
        let parsed;
        try {
            parsed = new URL(text);
        }
        catch {
            return undefined;
        }
        const scheme = parsed.protocol;
        if (scheme === 'https:' || scheme === 'http:')
            host = parsed.host;
        else if (scheme === 'ssh:' || scheme === 'git+ssh:' || scheme === 'ssh+git:' || scheme === 'git:')
            host = parsed.hostname;
        else
            return undefined;
        if (parsed.search || parsed.hash)
            return undefined;
        path = decodePath(parsed.pathname);
    }
    else {
        // scp-like: [user@]host:path. A drive letter (C:/…) or a slash before the colon makes it a local path.
        const m = /^(?:[^@/:]+@)?([^@/:]+):(.*)$/.exec(text);
        if (!m || /^[A-Za-z]$/.test(m[1]))
            return undefined;
        host = m[1];
        path = m[2];
    }
    host = host.toLowerCase();
    if (host === '')
        return undefined;
    const segments = path.split('/').filter((s) => s !== '');
    if (segments.length !== 2)
        return undefined;
    const owner = segments[0];
    const repo = segments[1].replace(/\.git$/i, '');
    if (ownerProblem(owner) !== undefined || repoProblem(repo) !== undefined)
        return undefined;
    return { owner, repo, host };
}
function decodePath(pathname) {
    try {
        return decodeURIComponent(pathname);
    }
    catch {
        return pathname;
    }
}

// EXTERNAL MODULE: ./src/project/local-packages.ts
var local_packages = __webpack_require__(1446);
// EXTERNAL MODULE: ./src/settings/parse.ts
var parse = __webpack_require__(6894);
// EXTERNAL MODULE: ./src/registry/token-record.ts
var token_record = __webpack_require__(162);
// EXTERNAL MODULE: ./src/project/package-name.ts + 1 modules
var package_name = __webpack_require__(4636);
;// CONCATENATED MODULE: ./src/tokens/plan.ts
/**
 * What `setup-npm-auth token create|rotate` will ask npm for, validated before anything is sent: the
 * name rotation finds the token by, the expiry within npm's caps, the permission, the packages, scopes and
 * orgs, and the CIDR list (IPv4 only, checked as npm's own `npm token create` checks it).
 */



/** npm's cap on a token that can write (publish or stage): 90 days. */
const MAX_WRITE_DAYS = 90;
/** A read-only token may live longer on npm; this tool caps it at ten years. */
const MAX_READ_DAYS = 3650;
/** The expiry `token create` gives a write token unless told otherwise. */
const DEFAULT_WRITE_DAYS = 30;
const DEFAULT_READ_DAYS = 365;
/** The permission words the CLI takes, and npm's spelling of each. */
const PERMISSIONS = {
    'read-write': 'read-write',
    'stage-only': 'read-write-stage-only',
    'read-write-stage-only': 'read-write-stage-only',
    'read-only': 'read-only',
};
const writes = (permission) => permission === 'read-write' || permission === 'read-write-stage-only';
const variableFor = (secret) => `${secret}_EXPIRES_AT`;
/** `setup-npm-auth:<owner>/<repo>:<secret>` (`…:<secret>@<environment>`): the name rotation finds the token by. */
function defaultTokenName(dest) {
    return `setup-npm-auth:${dest.owner}/${dest.repo}:${dest.secret}${dest.environment ? `@${dest.environment}` : ''}`;
}
/** `--expires DAYS`: a whole number of days within npm's cap for the permission. */
function parseExpiresDays(raw, permission) {
    const write = writes(permission);
    if (raw === undefined || raw === '')
        return write ? DEFAULT_WRITE_DAYS : DEFAULT_READ_DAYS;
    const max = write ? MAX_WRITE_DAYS : MAX_READ_DAYS;
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > max) {
        throw new errors/* InputError */.dz('--expires', `${(0,parse/* quote */.hD)(raw)} is not a usable expiry. Expected a whole number of days from 1 to ${max}` +
            (write ? ` (npm's cap for a token that can publish is ${MAX_WRITE_DAYS} days)` : '') +
            '.');
    }
    return Number(raw);
}
function parsePermission(raw) {
    if (raw === undefined || raw === '')
        return 'read-write';
    const permission = PERMISSIONS[raw.trim().toLowerCase()];
    if (!permission)
        throw new errors/* InputError */.dz('--permission', `${(0,parse/* quote */.hD)(raw)} is not a permission. Expected read-write, stage-only or read-only.`);
    return permission;
}
const list = (raw) => (raw ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
function parseScopes(raw) {
    return list(raw).map((s) => {
        const scope = s.startsWith('@') ? s : `@${s}`;
        if (!/^@[a-z0-9][a-z0-9._~-]*$/.test(scope))
            throw new errors/* InputError */.dz('--scopes', `${(0,parse/* quote */.hD)(s)} is not an npm scope. Expected names like @my-org, separated by commas.`);
        return scope;
    });
}
function parseOrgs(raw) {
    return list(raw).map((o) => {
        if (!/^[a-z0-9][a-z0-9._~-]*$/.test(o))
            throw new errors/* InputError */.dz('--orgs', `${(0,parse/* quote */.hD)(o)} is not an npm organisation name.`);
        return o;
    });
}
function parsePackageList(raw, flag = '--packages') {
    return list(raw).map((name) => {
        const problem = (0,package_name/* packageNameProblem */.Te)(name);
        if (problem)
            throw new errors/* InputError */.dz(flag, `${(0,parse/* quote */.hD)(name)} is not a valid npm package name: ${problem}.`);
        return name;
    });
}
/**
 * `--cidr`: IPv4 CIDR ranges, as npm's `npm token create --cidr` takes them (its own messages: the
 * registry accepts IPv4 only).
 */
function parseCidrs(raw) {
    const ranges = list(raw);
    for (const cidr of ranges) {
        if (/:/.test(cidr))
            throw new errors/* InputError */.dz('--cidr', `CIDR whitelist can only contain IPv4 addresses, ${(0,parse/* quote */.hD)(cidr)} is IPv6.`);
        if (!isIpv4Cidr(cidr))
            throw new errors/* InputError */.dz('--cidr', `CIDR whitelist contains invalid CIDR entry: ${(0,parse/* quote */.hD)(cidr)}. Expected ranges like 192.0.2.0/24, separated by commas.`);
    }
    return ranges;
}
function isIpv4Cidr(value) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m)
        return false;
    const octets = m.slice(1, 5).map(Number);
    return octets.every((o, i) => o <= 255 && !(m[i + 1].length > 1 && m[i + 1].startsWith('0'))) && Number(m[5]) <= 32;
}
/** The successor of `old`: the same packages, scopes, orgs, permission, CIDR and 2FA setting. */
function successorRequest(old, name, expiresDays) {
    const permission = old.permission ?? 'read-write';
    const lifetime = old.expiresAt && old.createdAt
        ? Math.round((old.expiresAt.getTime() - old.createdAt.getTime()) / 86_400_000)
        : writes(permission)
            ? DEFAULT_WRITE_DAYS
            : DEFAULT_READ_DAYS;
    const max = writes(permission) ? MAX_WRITE_DAYS : MAX_READ_DAYS;
    return {
        name,
        expiresDays: expiresDays ?? Math.min(max, Math.max(1, lifetime)),
        packages: old.packages,
        allPackages: old.allPackages,
        scopes: old.scopes,
        orgs: old.orgs,
        permission,
        orgsPermission: old.orgsPermission,
        cidr: old.cidr,
        bypass2fa: old.bypass2fa ?? false,
        ...(old.description ? { description: old.description } : {}),
    };
}

;// CONCATENATED MODULE: ./src/tokens/lifecycle.ts
/**
 * The token lifecycle as one ordered procedure, over two ports (npm's token API with a login session, and
 * the GitHub repository's Actions secrets and variables), so its safety property is testable on its own:
 *
 *   create → verify (whoami with the new token) → record the expiry (variable) → store the token (secret)
 *   → only then, when rotating, revoke the old token.
 *
 * A failure before the secret is stored revokes the new token and puts the variable back: everything as it
 * was. A failure after it (revoking the old token) leaves the new token in use and says the one command
 * that finishes the job. Nothing here prints the new token.
 */



/** A failure that left things in a known state; `state` says it, `finish` is the command that completes the job (if any). */
class LifecycleError extends errors/* ActionError */.lZ {
    state;
    finish;
    name = 'LifecycleError';
    constructor(message, state, finish) {
        super(`${message} ${state}${finish ? ` To finish: ${finish}` : ''}`);
        this.state = state;
        this.finish = finish;
    }
}
/** Creates the token, verifies it, records its expiry and stores it; undoes everything on a failure. */
async function createAndStore(p) {
    p.progress.step(`Creating the npm token ${p.request.name} …`);
    const created = await p.registry.create(p.request);
    p.learned?.(created.token);
    const fingerprint = (0,token_record/* redactedForm */.Nl)(created.token) ?? created.key;
    const expiresAt = created.expiresAt ?? new Date(p.now.getTime() + p.request.expiresDays * 86_400_000);
    const undo = async (what, error, restoreVariable) => {
        const notes = [];
        if (restoreVariable) {
            try {
                await restoreVariable();
            }
            catch (e) {
                notes.push(`the variable could not be put back (${(0,errors/* describeError */.Uc)(e)})`);
            }
        }
        try {
            await p.registry.remove(created.key);
        }
        catch (e) {
            throw new LifecycleError(`${what} failed: ${(0,errors/* describeError */.Uc)(error)}`, `The new token ${fingerprint} (id ${created.key}) could NOT be revoked (${(0,errors/* describeError */.Uc)(e)})${notes.length ? `, and ${notes.join(', ')}` : ''}; nothing else changed.`, `${p.cli} token revoke ${created.key}`);
        }
        throw new LifecycleError(`${what} failed: ${(0,errors/* describeError */.Uc)(error)}`, `The new token ${fingerprint} was revoked again${notes.length ? `, but ${notes.join(', ')}` : ''}; everything else is as it was.`);
    };
    p.progress.step(`Verifying ${fingerprint} with whoami …`);
    let username;
    try {
        username = await p.registry.verify(created.token);
    }
    catch (error) {
        return undo('Verifying the new token', error);
    }
    if (!p.store)
        return { created, fingerprint, username, expiresAt, revokedOld: false };
    const { port, destination } = p.store;
    const variable = variableFor(destination.secret);
    const record = (0,token_record/* formatExpiryRecord */.uA)({ expiresAt, fingerprint, secret: destination.secret, environment: destination.environment });
    let previous;
    let variableAction;
    try {
        previous = await port.getVariable(variable);
        p.progress.step(`Recording the expiry in the variable ${variable} …`);
        variableAction = await port.setVariable(variable, record);
    }
    catch (error) {
        return undo(`Recording the expiry in the variable ${variable}`, error);
    }
    let secretAction;
    try {
        p.progress.step(`Storing the token in the secret ${destination.secret} …`);
        secretAction = await port.putSecret(destination.secret, created.token);
    }
    catch (error) {
        return undo(`Storing the token in the secret ${destination.secret}`, error, () => previous === undefined ? port.deleteVariable(variable) : port.setVariable(variable, previous).then(() => undefined));
    }
    return {
        created,
        fingerprint,
        username,
        expiresAt,
        stored: { destination, secret: secretAction, variable, record, variableAction },
        revokedOld: false,
    };
}
/** The token `rotate` replaces: by --token-id (id, id prefix, redacted form), else by name; the recorded fingerprint settles a tie. */
function findCurrent(tokens, opts) {
    const live = tokens.filter((t) => !t.revoked);
    if (opts.tokenId)
        return resolveOne(live, opts.tokenId);
    const named = live.filter((t) => t.name === opts.name);
    if (named.length === 1)
        return named[0];
    const fingerprint = opts.recorded ? (0,token_record/* splitExpiryRecord */.$B)(opts.recorded)?.fingerprint : undefined;
    const recorded = fingerprint ? named.filter((t) => t.redacted === fingerprint) : [];
    if (recorded.length === 1)
        return recorded[0];
    if (named.length === 0) {
        throw new errors/* ActionError */.lZ(`No live token is named ${opts.name}. If the secret holds a token made elsewhere (the website, npm token create), name it with --token-id ` +
            '(its id or redacted form, from `setup-npm-auth token list`); to start fresh, use `setup-npm-auth token create`.');
    }
    throw new errors/* ActionError */.lZ(`${named.length} live tokens are named ${opts.name}: ${named.map(describeToken).join('; ')}. Say which with --token-id.`);
}
/**
 * `revoke <name|id|redacted form>` and `--token-id`: an exact id, a unique id prefix (6+ characters, as npm
 * shortens ids), an exact name, or the redacted form. Anything matching more than one token is refused.
 */
function resolveOne(tokens, query) {
    const q = query.trim();
    const exact = tokens.filter((t) => t.key === q);
    if (exact.length === 1)
        return exact[0];
    const matches = tokens.filter((t) => (q.length >= 6 && t.key.startsWith(q)) ||
        t.name === q ||
        (t.redacted !== undefined && (t.redacted === q || (q.length > 16 && (0,token_record/* matchesRedacted */.Oj)(t.redacted, q)))));
    if (matches.length === 1)
        return matches[0];
    if (matches.length === 0)
        throw new errors/* ActionError */.lZ(`No token matches ${JSON.stringify(q)}: give its id (or the first 6+ characters of it), its name or its redacted form, as \`token list\` shows them.`);
    throw new errors/* ActionError */.lZ(`${JSON.stringify(q)} matches ${matches.length} tokens: ${matches.map(describeToken).join('; ')}. Give the id instead.`);
}
function describeToken(t) {
    return `${t.redacted ?? '(hidden)'} ${t.name ? `"${t.name}" ` : ''}(id ${t.key}${t.expiresAt ? `, expires ${t.expiresAt.toISOString().slice(0, 10)}` : ''})`;
}
/** create-and-store the successor; only when that is done, revoke the current token. */
async function rotate(p) {
    const result = await createAndStore(p);
    if (p.keepOld)
        return { ...result, replaced: p.current };
    p.progress.step(`Revoking the old token ${describeToken(p.current)} …`);
    try {
        await p.registry.remove(p.current.key);
    }
    catch (error) {
        throw new LifecycleError(`Revoking the old token failed: ${(0,errors/* describeError */.Uc)(error)}`, `The new token ${result.fingerprint} is stored${result.stored ? ` in ${result.stored.destination.secret}` : ''} and verified, and its expiry recorded; the old token ${p.current.redacted ?? p.current.key} is still valid.`, `${p.cli} token revoke ${p.current.key}`);
    }
    return { ...result, replaced: p.current, revokedOld: true };
}

;// CONCATENATED MODULE: ./src/tokens/list-report.ts
/**
 * `token list`: every token of the logged-in user, graded with the action's own warn/fail rules
 * (gradeExpiry), soonest expiry first, as a table for a terminal or as JSON.
 */


/** `--name` pattern: `*` matches any run of characters; otherwise an exact name. */
function namePattern(pattern) {
    const re = new RegExp(`^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`);
    return (name) => re.test(name);
}
function tokenRows(tokens, opts) {
    const rows = tokens.map((t) => {
        const grade = t.revoked
            ? undefined
            : (0,check_grade/* gradeExpiry */.pj)({ expiresAt: t.expiresAt, now: opts.now, warnDays: opts.warnDays, failDays: opts.failDays, registry: opts.registry });
        return {
            id: t.key,
            name: t.name ?? '',
            token: t.redacted ?? '',
            kind: t.granular ? 'granular' : 'legacy',
            permission: t.permission === 'read-write-stage-only' ? 'stage-only' : (t.permission ?? 'unknown'),
            packages: t.allPackages ? ['*', ...t.packages] : t.packages,
            scopes: t.scopes,
            orgs: t.orgs.map((o) => `${o}${t.orgsPermission ? ` (${t.orgsPermission})` : ''}`),
            cidr: t.cidr,
            bypass2fa: t.bypass2fa ?? null,
            created: t.createdAt?.toISOString() ?? null,
            lastUsed: t.lastUsedAt?.toISOString() ?? null,
            expires: t.expiresAt?.toISOString() ?? null,
            daysLeft: t.expiresAt ? (0,check_grade/* daysUntil */.AQ)(t.expiresAt, opts.now) : null,
            revoked: t.revoked,
            status: t.revoked ? 'revoked' : (grade?.status ?? 'ok'),
            reason: t.revoked ? 'revoked' : (grade?.finding?.title.replace(/^npm token /, '') ?? ''),
        };
    });
    // Soonest expiry first; no expiry after every dated token; revoked last.
    const rank = (r) => (r.revoked ? Number.MAX_SAFE_INTEGER : r.expires ? Date.parse(r.expires) : Number.MAX_SAFE_INTEGER - 1);
    return rows.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
/** The worst status among the rows (revoked tokens are not in use: they do not count). */
function worstRow(rows) {
    return (0,check_grade/* worst */.QZ)('ok', ...rows.map((r) => (r.status === 'revoked' ? 'ok' : r.status)));
}
const cell = (text) => (0,untrusted/* escapeControls */.UN)(text, true);
/** A readable table; `colour` only on a terminal that allows it. */
function renderTable(rows, colour) {
    if (rows.length === 0)
        return 'No tokens.\n';
    const paint = (status, text) => {
        if (!colour)
            return text;
        const code = status === 'error' ? 31 : status === 'warning' ? 33 : status === 'revoked' ? 90 : 32;
        return `\x1b[${code}m${text}\x1b[0m`;
    };
    const access = (r) => [...r.packages, ...r.scopes, ...r.orgs.map((o) => `org:${o}`)].join(',') || '—';
    const header = ['STATUS', 'EXPIRES', 'DAYS', 'NAME', 'TOKEN', 'ID', 'KIND', 'PERMISSION', 'ACCESS', 'CIDR', '2FA BYPASS', 'CREATED', 'LAST USED'];
    const body = rows.map((r) => [
        r.status,
        r.expires?.slice(0, 10) ?? 'never',
        r.daysLeft === null ? '—' : String(r.daysLeft),
        cell(r.name) || '—',
        cell(r.token),
        r.id.slice(0, 8),
        r.kind,
        r.permission,
        cell(access(r)),
        cell(r.cidr.join(',')) || '—',
        r.bypass2fa === null ? '—' : r.bypass2fa ? 'yes' : 'no',
        r.created?.slice(0, 10) ?? '—',
        r.lastUsed?.slice(0, 10) ?? '—',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
    const line = (cells, status) => cells
        .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]);
        return i === 0 && status ? paint(status, padded) : padded;
    })
        .join('  ')
        .trimEnd();
    const notes = rows
        .filter((r) => r.reason && r.status !== 'ok' && r.status !== 'revoked')
        .map((r) => `${r.status}: ${cell(r.name || r.token)} — ${cell(r.reason)}`);
    return [line(header), ...body.map((cells, i) => line(cells, rows[i].status)), ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n';
}

// EXTERNAL MODULE: ./src/cli/args.ts
var cli_args = __webpack_require__(7593);
// EXTERNAL MODULE: ./src/cli/io.ts
var cli_io = __webpack_require__(1604);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/registry/npm-config.ts
var npm_config = __webpack_require__(517);
// EXTERNAL MODULE: ./src/registry/resolve.ts
var resolve = __webpack_require__(2091);
// EXTERNAL MODULE: ./src/registry/token-api.ts
var token_api = __webpack_require__(2819);
;// CONCATENATED MODULE: ./src/registry/token-admin.ts
/**
 * npm's token management API, called with the `npm login` session of the machine (a granular token cannot
 * use it on npm's registry): list every token of the user (`GET /-/npm/v1/tokens`, paged), create one
 * (`POST /-/npm/v1/tokens`), revoke one (`DELETE /-/npm/v1/tokens/token/{key}`). Create and revoke need a
 * one-time password (`npm-otp`); without one the registry answers 401 `www-authenticate: OTP`, with the
 * web flow's `authUrl`/`doneUrl` when the request said `npm-auth-type: web` (what npm sends).
 *
 * Why not npm's own client library (npm-profile 13): its `createToken` sends only the legacy
 * `password/readonly/cidr_whitelist` body (no packages, scopes, orgs, permission or expiry: it cannot make
 * a granular token), its `listTokens` follows `urls.next` without a bound or a deadline, its web-flow poll
 * has no bound (a `retry-after: 0` answer is a busy loop), and it brings npm-registry-fetch, a second HTTP
 * stack with its own retries, timeouts and proxy handling. These calls follow its wire format (and npm 12's
 * `npm token` command's body) with the one HttpClient: per-request timeout, one deadline, bounded retries.
 */




/** The registry refused the session (expired, revoked, or the configured credential is not a login session). */
class SessionError extends errors/* ActionError */.lZ {
    name = 'SessionError';
}
/** A one-time password is needed and none can be got (no --otp, no terminal, no web flow). */
class OtpRequiredError extends errors/* ActionError */.lZ {
    name = 'OtpRequiredError';
}
const MAX_PAGES = 50;
const PER_PAGE = 100;
class NpmTokenAdmin {
    opts;
    otp;
    constructor(opts) {
        this.opts = opts;
        this.otp = opts.otp;
    }
    /** Every token of the user, following `urls.next` on the registry's own origin, at most MAX_PAGES pages. */
    async list() {
        const { http, registry } = this.opts;
        let url = (0,token_api/* registryEndpoint */.Fh)(registry, `-/npm/v1/tokens?perPage=${PER_PAGE}&page=0`);
        const seen = new Set();
        const tokens = [];
        for (let page = 0; url && !seen.has(url.href); page++) {
            if (page >= MAX_PAGES)
                throw new errors/* ResponseError */.o3(`token list: more than ${MAX_PAGES} pages; stopped reading.`, 200);
            seen.add(url.href);
            const response = await http.send(url, { purpose: 'token list', headers: this.headers() });
            if (response.status !== 200)
                throw this.failure(response, 'token list');
            const body = (0,client/* parseJsonBody */.Y2)(response, 'token list');
            if (!body || typeof body !== 'object' || !Array.isArray(body.objects))
                throw new errors/* ResponseError */.o3('token list: the answer has no `objects` array.', 200);
            for (const entry of body.objects) {
                const token = parseTokenEntry(entry);
                if (token)
                    tokens.push(token);
            }
            url = (0,token_api/* nextPage */.Zj)(body.urls?.next, url, registry);
        }
        return tokens;
    }
    async create(request) {
        const body = { name: request.name, expires: request.expiresDays };
        if (request.password)
            body.password = request.password;
        if (request.description)
            body.description = request.description;
        if (request.allPackages)
            body.packages_all = true;
        if (request.packages.length > 0)
            body.packages = request.packages;
        if (request.scopes.length > 0)
            body.scopes = request.scopes;
        if (request.orgs.length > 0)
            body.orgs = request.orgs;
        body.packages_and_scopes_permission = request.permission;
        if (request.orgs.length > 0)
            body.orgs_permission = request.orgsPermission ?? (request.permission === 'read-only' ? 'read-only' : 'read-write');
        if (request.cidr.length > 0)
            body.cidr_whitelist = request.cidr;
        if (request.bypass2fa)
            body.bypass_2fa = true;
        const response = await this.withOtp('token create', (headers) => this.opts.http.send((0,token_api/* registryEndpoint */.Fh)(this.opts.registry, '-/npm/v1/tokens'), {
            method: 'POST',
            purpose: 'token create',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
        }));
        if (response.status !== 200 && response.status !== 201)
            throw this.failure(response, 'token create');
        const answer = (0,client/* parseJsonBody */.Y2)(response, 'token create');
        const parsed = parseTokenEntry({ ...answer, token: undefined });
        const token = typeof answer?.token === 'string' ? answer.token : '';
        if (!parsed || !/^[\x21-\x7e]{8,}$/.test(token))
            throw new errors/* ResponseError */.o3('token create: the registry answered without a usable token or id.', response.status);
        return { ...parsed, token, redacted: undefined };
    }
    /** Revokes the token with this key (npm's id). */
    async remove(key) {
        const url = (0,token_api/* registryEndpoint */.Fh)(this.opts.registry, `-/npm/v1/tokens/token/${encodeURIComponent(key)}`);
        const response = await this.withOtp('token revoke', (headers) => this.opts.http.send(url, { method: 'DELETE', purpose: 'token revoke', headers }));
        if (response.status === 404)
            throw new errors/* ResponseError */.o3(`token revoke: the registry has no token ${key} (already revoked?).`, 404);
        if (response.status < 200 || response.status >= 300)
            throw this.failure(response, 'token revoke');
    }
    headers(otp) {
        return {
            authorization: `Bearer ${this.opts.session}`,
            accept: 'application/json',
            'npm-auth-type': 'web',
            'npm-command': 'token',
            ...(otp ? { 'npm-otp': otp } : {}),
        };
    }
    /**
     * Sends with the OTP held (if any); when the registry asks for one, gets one from the OtpSource and
     * sends once more. A code the registry refuses twice is an error: never guessed, never looped.
     */
    async withOtp(purpose, send) {
        const first = await send(this.headers(this.otp));
        if (!wantsOtp(first))
            return first;
        const code = await this.opts.otpSource?.ask({ web: webChallenge(first), purpose });
        if (!code) {
            throw new OtpRequiredError(`${purpose}: the registry asks for a one-time password (two-factor authentication)${this.otp ? ' and did not accept the one given' : ''}. ` +
                'Pass it with --otp CODE (from your authenticator app, or the code npm e-mailed you), or run in a terminal to be asked for it.');
        }
        this.otp = code;
        const second = await send(this.headers(code));
        if (wantsOtp(second))
            throw new OtpRequiredError(`${purpose}: the registry did not accept the one-time password. Run again with a fresh code (--otp CODE).`);
        return second;
    }
    failure(response, purpose) {
        const message = registryMessage(response);
        if (response.status === 401) {
            return new SessionError(`${purpose}: ${this.opts.registry.host} refused the npm session from ${this.opts.sessionSource} (HTTP 401${message ? `: "${message}"` : ''}). ` +
                "It has expired (npm login sessions last 2 hours) or is not a login session (a granular access token cannot manage tokens on npm's registry). " +
                `Run \`npm login --registry ${this.opts.registry.href}\` and try again.`);
        }
        if (response.status === 403) {
            return new SessionError(`${purpose}: ${this.opts.registry.host} refused (HTTP 403${message ? `: "${message}"` : ''}). ` +
                'Token management needs your own login session (npm login) — tokens with bypass-2FA can no longer manage tokens.');
        }
        return new errors/* ResponseError */.o3(`${purpose}: ${this.opts.registry.host} answered HTTP ${response.status}${message ? `: "${message}"` : ''}.` +
            (response.status === 429 || response.status >= 500 ? ' The registry is busy or down: try again later.' : ''), response.status);
    }
}
function wantsOtp(response) {
    return response.status === 401 && /otp/i.test(response.headers['www-authenticate'] ?? '');
}
/** The web flow's URLs, when offered and plausible (http(s); doneUrl on the registry's origin or npm's canonical host rewritten to it). */
function webChallenge(response) {
    let body;
    try {
        body = JSON.parse(response.text);
    }
    catch {
        return undefined;
    }
    const { authUrl, doneUrl } = (body ?? {});
    if (typeof authUrl !== 'string' || typeof doneUrl !== 'string')
        return undefined;
    try {
        const auth = new URL(authUrl);
        const done = new URL(doneUrl);
        if (!/^https?:$/.test(auth.protocol) || !/^https?:$/.test(done.protocol))
            return undefined;
        return { authUrl: auth, doneUrl: done };
    }
    catch {
        return undefined;
    }
}
/** The registry's own words (`error` / `message`), escaped and shortened, or ''. */
function registryMessage(response) {
    try {
        const body = JSON.parse(response.text);
        const text = [body.error, body.message, body.detail].find((v) => typeof v === 'string' && v !== '');
        return text ? (0,untrusted/* escapeControls */.UN)(text, true).slice(0, 300) : '';
    }
    catch {
        return '';
    }
}
/**
 * Waits for the web flow: polls `doneUrl` (202 + retry-after, at least 1 s and at most 10 s apart) until it
 * answers 200 `{ token }` (the one-time password), until `deadline`. The session goes only to the
 * registry's origin.
 */
async function pollWebAuth(http, done, sleep) {
    const headers = { accept: 'application/json' };
    if (done.doneUrl.origin === done.registry.origin)
        headers.authorization = `Bearer ${done.session}`;
    for (;;) {
        if (Date.now() >= done.deadline)
            throw new OtpRequiredError('Timed out waiting for the web login to be approved. Run again, or pass --otp CODE.');
        const response = await http.send(done.doneUrl, { purpose: 'web login', headers });
        if (response.status === 200) {
            const body = (0,client/* parseJsonBody */.Y2)(response, 'web login');
            if (typeof body?.token === 'string' && body.token !== '')
                return body.token;
            throw new errors/* ResponseError */.o3('web login: the registry answered without a code.', 200);
        }
        if (response.status !== 202)
            throw new errors/* ResponseError */.o3(`web login: the registry answered HTTP ${response.status}${registryMessage(response) ? `: "${registryMessage(response)}"` : ''}.`, response.status);
        const retry = Number(response.headers['retry-after']);
        await sleep(Math.min(10_000, Math.max(1_000, Number.isFinite(retry) ? retry * 1000 : 1_000)));
    }
}
const strings = (value) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);
/** One list entry (npm's shape: permissions [{name, action}], scopes [{type, name}]; Verdaccio's and legacy shapes too). */
function parseTokenEntry(entry) {
    if (!entry || typeof entry !== 'object')
        return undefined;
    const e = entry;
    if (typeof e.key !== 'string' || e.key === '')
        return undefined;
    const permissions = (Array.isArray(e.permissions) ? e.permissions : []).filter((p) => !!p && typeof p === 'object');
    const scopeEntries = (Array.isArray(e.scopes) ? e.scopes : []).filter((p) => !!p && typeof p === 'object');
    const named = (type) => scopeEntries.filter((s) => s.type === type && typeof s.name === 'string').map((s) => s.name);
    const packageNames = named('package');
    const packageAction = permissions.find((p) => p.name === 'package' || p.name === 'packages')?.action;
    const orgAction = permissions.find((p) => p.name === 'org' || p.name === 'orgs')?.action;
    const granular = 'expiry' in e || permissions.length > 0 || scopeEntries.length > 0 || 'bypass_2fa' in e;
    const readonly = typeof e.readonly === 'boolean' ? e.readonly : undefined;
    return {
        key: e.key,
        name: typeof e.name === 'string' ? e.name : undefined,
        description: typeof e.description === 'string' && e.description !== '' ? e.description : undefined,
        redacted: typeof e.token === 'string' ? e.token : undefined,
        expiresAt: (0,token_api/* toDate */.ay)(e.expiry ?? e.expires),
        createdAt: (0,token_api/* toDate */.ay)(e.created),
        lastUsedAt: (0,token_api/* toDate */.ay)(e.accessed),
        permission: permissionOf(packageAction) ?? (readonly === true ? 'read-only' : readonly === false ? 'read-write' : undefined),
        orgsPermission: orgAction === 'read' ? 'read-only' : orgAction === 'write' ? 'read-write' : undefined,
        packages: packageNames.filter((n) => n !== '*'),
        allPackages: packageNames.includes('*') || e.packages_all === true,
        scopes: named('scope'),
        orgs: named('org'),
        cidr: [...strings(e.cidr), ...strings(e.cidr_whitelist)],
        bypass2fa: typeof e.bypass_2fa === 'boolean' ? e.bypass_2fa : undefined,
        revoked: e.revoked === true,
        granular,
    };
}
function permissionOf(action) {
    if (action === 'read' || action === 'read-only')
        return 'read-only';
    if (action === 'write' || action === 'read-write')
        return 'read-write';
    if (typeof action === 'string' && /stage/i.test(action))
        return 'read-write-stage-only';
    if (action === 'no-access' || action === 'none')
        return 'no-access';
    return undefined;
}

// EXTERNAL MODULE: ./src/cli/failure.ts
var failure = __webpack_require__(2372);
;// CONCATENATED MODULE: ./src/cli/commands/token-context.ts
/**
 * What every `setup-npm-auth token …` command needs: the registry (--registry, else npm's config), the
 * `npm login` session npm itself would send to it, a way to get a one-time password (--otp, a terminal
 * prompt, or npm's web flow), and for create/rotate the GitHub side (token from GH_TOKEN, GITHUB_TOKEN or
 * `gh auth token`; API from GITHUB_API_URL; repository from --repo or the `origin` remote).
 */












/** Token commands wait for people (an OTP typed, a web login approved): a longer overall deadline than `check`. */
const DEFAULT_TIMEOUT_S = 600;
/** How long the web flow waits for its approval. */
const WEB_LOGIN_WAIT_MS = 5 * 60_000;
/** `gh auth token`, `git config`: each bounded. */
const CHILD_TIMEOUT_MS = 10_000;
function timeoutMs(args) {
    const raw = args.inputs['timeout-seconds'];
    if (raw === undefined)
        return DEFAULT_TIMEOUT_S * 1000;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3600)
        throw new cli_args/* UsageError */.eb(`--timeout-seconds ${(0,parse/* quote */.hD)(raw)}: expected whole seconds from 1 to 3600.`);
    return Number(raw) * 1000;
}
/** The registry and the login session for it; refuses clearly when there is no session. */
async function openRegistrySession(args, io, log) {
    const explicit = args.inputs['registry-url'] !== undefined ? parseRegistryFlag(args.inputs['registry-url']) : undefined;
    const { registry, isPublicRegistry } = await (0,resolve/* chooseRegistry */.L)(log, { registryUrl: explicit, scope: '', workingDirectory: '.' });
    const found = (0,npm_config/* findRegistryAuthToken */.cb)({ env: io.env, cwd: (0,external_node_path_.resolve)('.'), npm: (0,npm_config/* findNpmOnPath */.FS)(io.env), registry });
    if (!found) {
        throw new errors/* RegistryConfigError */.Sn(`No npm login session for ${registry.href} in npm's config. Run \`npm login --registry ${registry.href}\` first: ` +
            "managing tokens takes your own login session (on npm's registry a granular token cannot list, create or revoke tokens).");
    }
    io.mask?.(found.token);
    const http = new client/* HttpClient */.Qq({ deadline: Date.now() + timeoutMs(args), logger: log, env: io.env });
    const otp = args.inputs.otp?.trim();
    if (otp !== undefined && !/^[0-9A-Za-z]{4,12}$/.test(otp))
        throw new cli_args/* UsageError */.eb('--otp: expected the one-time code (digits) from your authenticator app or npm e-mail.');
    const otpSource = {
        ask: async ({ web, purpose }) => {
            if (io.interactive && io.prompt) {
                const code = await io.prompt(`npm asks for a one-time password to ${purpose.replace(/^token /, '')} a token. Code: `);
                return code || undefined;
            }
            if (web) {
                io.err(`npm asks you to approve this in a browser: open ${web.authUrl.href}\nWaiting for the approval (up to ${WEB_LOGIN_WAIT_MS / 60_000} minutes) …\n`);
                return pollWebAuth(http, { doneUrl: web.doneUrl, registry, session: found.token, deadline: Date.now() + WEB_LOGIN_WAIT_MS }, (ms) => (0,promises_.setTimeout)(ms));
            }
            return undefined;
        },
    };
    const admin = new NpmTokenAdmin({ http, registry, session: found.token, sessionSource: found.source, otp, otpSource });
    const port = {
        list: () => admin.list(),
        create: (request) => admin.create(request),
        remove: (key) => admin.remove(key),
        verify: (token) => (0,token_api/* whoami */.qY)(http, registry, token),
    };
    return { registry, http, admin, port, isPublicRegistry };
}
function parseRegistryFlag(value) {
    const url = (0,parse/* parseRegistryUrl */.I7)(value);
    if (!url)
        throw new cli_args/* UsageError */.eb(`--registry ${(0,parse/* quote */.hD)(value)}: expected an http(s) URL, e.g. https://registry.example.com/.`);
    return url;
}
/** Runs a program with a time limit; undefined when it is missing, fails or times out. */
function runQuiet(file, argv, env, cwd = '.') {
    return new Promise((done) => {
        (0,external_node_child_process_.execFile)(file, argv, { env, cwd, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) => done(error ? undefined : stdout.trim()));
    });
}
/** The GitHub token: GH_TOKEN, else GITHUB_TOKEN, else what `gh auth token` says (when gh is installed and logged in). */
async function githubToken(io, host) {
    for (const name of ['GH_TOKEN', 'GITHUB_TOKEN']) {
        const value = io.env[name]?.trim();
        if (value)
            return { token: value, source: name };
    }
    const fromGh = await runQuiet('gh', ['auth', 'token', ...(host && host !== 'github.com' ? ['--hostname', host] : [])], io.env);
    if (fromGh && /^[\x21-\x7e]{8,}$/.test(fromGh))
        return { token: fromGh, source: '`gh auth token`' };
    throw new failure/* LocalSetupError */.zV('No GitHub token: set GH_TOKEN (a fine-grained token with "Secrets: Read and write" and "Variables: Read and write" on the repository), ' +
        'or log in with the GitHub CLI (`gh auth login`). Or pass --print-token to store the token yourself.');
}

;// CONCATENATED MODULE: ./src/cli/commands/token-run.ts
/**
 * `setup-npm-auth token list|create|rotate|revoke`: the whole life of an npm token, from a machine logged
 * in with `npm login`. create/rotate put the new token straight into the repository's (or environment's)
 * Actions secret — never on screen — and its expiry record into the variable `<SECRET>_EXPIRES_AT`, which
 * the workflow passes to the action as `expires-on`. The ordering and the undo are tokens/lifecycle.ts's.
 */














const CLI = 'npx setup-npm-auth';
function days(args, name, fallback) {
    const raw = args.inputs[name];
    if (raw === undefined)
        return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > 3650)
        throw new cli_args/* UsageError */.eb(`--${name} ${(0,parse/* quote */.hD)(raw)}: expected a whole number of days (0–3650).`);
    return Number(raw);
}
async function runTokenList(args, io) {
    const log = (0,cli_io/* cliLogger */.$)(io, args.json);
    const warnDays = days(args, 'warn-days', 14);
    const failDays = days(args, 'fail-days', 0);
    const { registry, port } = await openRegistrySession(args, io, log);
    const tokens = await port.list();
    const matches = args.inputs.name !== undefined ? namePattern(args.inputs.name) : undefined;
    const rows = tokenRows(tokens.filter((t) => !matches || matches(t.name ?? '')), { now: new Date(), warnDays, failDays, registry });
    const status = worstRow(rows);
    if (args.json)
        io.out(`${JSON.stringify({ registry: registry.href, status, tokens: rows }, null, 2)}\n`);
    else
        io.out(renderTable(rows, io.colour === true));
    return check_grade/* EXIT_CODE */.F3[status];
}
async function runTokenRevoke(args, io) {
    const log = (0,cli_io/* cliLogger */.$)(io, args.json);
    if (args.positionals.length !== 1)
        throw new cli_args/* UsageError */.eb('token revoke takes exactly one token: its id, name or redacted form.');
    const { port } = await openRegistrySession(args, io, log);
    const target = resolveOne((await port.list()).filter((t) => !t.revoked), args.positionals[0]);
    io.err(`Revoking ${describeToken(target)} …\n`);
    await port.remove(target.key);
    if (args.json)
        io.out(`${JSON.stringify({ revoked: tokenJson(target) }, null, 2)}\n`);
    else
        io.out(`Revoked ${describeToken(target)}.\n`);
    return check_grade/* EXIT_CODE */.F3.ok;
}
/** Where the token goes: --repo (else the origin remote), --secret, --environment. */
async function destination(args, io) {
    let repo;
    if (args.inputs.repo !== undefined)
        repo = parseRepoSlug(args.inputs.repo);
    else {
        const remote = await runQuiet('git', ['config', '--get', 'remote.origin.url'], io.env);
        const found = remote ? repoFromRemoteUrl(remote) : undefined;
        if (!found)
            throw new cli_args/* UsageError */.eb('No --repo, and no GitHub `origin` remote in this directory. Pass --repo OWNER/REPO.');
        repo = found;
    }
    const secret = actionsName('secret', args.inputs.secret ?? 'NPM_TOKEN');
    const environment = args.inputs.environment !== undefined ? environmentName(args.inputs.environment) : undefined;
    return { owner: repo.owner, repo: repo.repo, secret, ...(environment ? { environment } : {}), ...(repo.host ? { host: repo.host } : {}) };
}
/** The GitHub side, checked before anything is created: the repository (and environment) exist for this token. */
async function openSecretStore(dest, io, budgetMs) {
    const { token, source } = await githubToken(io, dest.host);
    io.mask?.(token);
    const http = new client/* HttpClient */.Qq({ deadline: Date.now() + budgetMs, env: io.env });
    const api = new GitHubActionsApi({ http, apiUrl: io.env.GITHUB_API_URL || undefined, token, tokenSource: source });
    const repo = { owner: dest.owner, repo: dest.repo };
    await api.repository(repo);
    if (dest.environment !== undefined && !(await api.environmentExists(repo, dest.environment))) {
        throw new errors/* ActionError */.lZ(`The repository ${dest.owner}/${dest.repo} has no environment ${JSON.stringify(dest.environment)}. Create it (Settings → Environments) or leave out --environment.`);
    }
    // The variable we will write, read once: refuses a GitHub token without variables access before a token is
    // made, and gives rotate the recorded fingerprint.
    const recorded = await api.getVariable(repo, variableFor(dest.secret), dest.environment);
    const port = {
        putSecret: (name, value) => api.putSecret(repo, name, value, dest.environment),
        getVariable: (name) => api.getVariable(repo, name, dest.environment),
        setVariable: (name, value) => api.setVariable(repo, name, value, dest.environment),
        deleteVariable: (name) => api.deleteVariable(repo, name, dest.environment),
    };
    return { port, recorded };
}
async function runTokenCreate(args, io) {
    const log = (0,cli_io/* cliLogger */.$)(io, args.json);
    const printToken = args.inputs['print-token'] === 'true';
    if (printToken && (args.inputs.repo ?? args.inputs.secret ?? args.inputs.environment) !== undefined) {
        throw new cli_args/* UsageError */.eb('--print-token prints the token instead of storing it: leave out --repo, --secret and --environment.');
    }
    if (printToken && !io.outSecret)
        throw new cli_args/* UsageError */.eb('--print-token cannot print here.');
    const permission = parsePermission(args.inputs.permission);
    const expiresDays = parseExpiresDays(args.inputs.expires, permission);
    const cidr = parseCidrs(args.inputs.cidr);
    const scopes = parseScopes(args.inputs.scopes);
    const orgs = parseOrgs(args.inputs.orgs);
    let packages = parsePackageList(args.inputs.packages);
    if (packages.length === 0 && scopes.length === 0 && orgs.length === 0) {
        packages = (0,local_packages/* findLocalPackages */.aY)('.')
            .filter((p) => !p.private)
            .map((p) => p.name);
        if (packages.length === 0)
            throw new cli_args/* UsageError */.eb('No --packages or --scopes, and no public package in package.json here. Say which packages the token may publish.');
        log.info(`Packages (from package.json here): ${packages.join(', ')}`);
    }
    const dest = printToken ? undefined : await destination(args, io);
    const name = args.inputs.name ?? (dest ? defaultTokenName(dest) : undefined);
    if (!name)
        throw new cli_args/* UsageError */.eb('--print-token needs --name: the token is not tied to a repository secret, so there is no default name.');
    if (permission === 'read-write') {
        log.warning('npm ends direct publishing with granular tokens in January 2027. Use --permission stage-only (publish with `npm stage publish`, approve on npmjs.com) or trusted publishing (OIDC, no token at all) to keep releasing after that.', 'Direct publishing ends January 2027');
    }
    const store = dest ? (await openSecretStore(dest, io, timeoutMs(args))).port : undefined;
    const session = await openRegistrySession(args, io, log);
    const existing = (await session.port.list()).filter((t) => !t.revoked && t.name === name);
    if (existing.length > 0) {
        throw new errors/* ActionError */.lZ(`A live token is already named ${name} (${existing.map(describeToken).join('; ')}). To replace it use \`${CLI} token rotate\`; or choose another --name.`);
    }
    const request = { name, expiresDays, packages, scopes, orgs, permission, cidr, bypass2fa: args.inputs['bypass-2fa'] === 'true' };
    const result = await createAndStore({
        request,
        registry: session.port,
        store: store && dest ? { port: store, destination: dest } : undefined,
        progress: { step: (m) => log.info(m) },
        now: new Date(),
        cli: CLI,
        learned: (secret) => io.mask?.(secret),
    });
    // The one place the token is printed: its own line, or (with --json) the `value` of the JSON's token.
    if (printToken && !args.json)
        io.outSecret(`${result.created.token}\n`);
    report(result, args, printToken && args.json ? { ...io, out: io.outSecret } : io, session.registry, session.isPublicRegistry, printToken ? result.created.token : undefined);
    return check_grade/* EXIT_CODE */.F3.ok;
}
async function runTokenRotate(args, io) {
    const log = (0,cli_io/* cliLogger */.$)(io, args.json);
    const dest = await destination(args, io);
    const { port: store, recorded } = await openSecretStore(dest, io, timeoutMs(args));
    const session = await openRegistrySession(args, io, log);
    const tokens = await session.port.list();
    const name = defaultTokenName(dest);
    const current = findCurrent(tokens, { tokenId: args.inputs['token-id'], name, recorded });
    log.info(`Replacing ${describeToken(current)}`);
    const permission = current.permission ?? 'read-write';
    const expiresDays = args.inputs.expires !== undefined ? parseExpiresDays(args.inputs.expires, permission) : undefined;
    const request = successorRequest(current, name, expiresDays);
    if (request.packages.length === 0 && !request.allPackages && request.scopes.length === 0 && request.orgs.length === 0) {
        throw new errors/* ActionError */.lZ(`The registry does not say which packages ${describeToken(current)} covers: create the successor with \`${CLI} token create\` and the packages it needs.`);
    }
    const result = await rotate({
        current,
        request,
        keepOld: args.inputs['keep-old'] === 'true',
        registry: session.port,
        store: { port: store, destination: dest },
        progress: { step: (m) => log.info(m) },
        now: new Date(),
        cli: CLI,
        learned: (secret) => io.mask?.(secret),
    });
    report(result, args, io, session.registry, session.isPublicRegistry);
    return check_grade/* EXIT_CODE */.F3.ok;
}
function tokenJson(t) {
    return {
        id: t.key,
        name: t.name ?? null,
        token: t.redacted ?? null,
        permission: t.permission ?? null,
        packages: t.allPackages ? ['*', ...t.packages] : t.packages,
        scopes: t.scopes,
        orgs: t.orgs,
        cidr: t.cidr,
        bypass2fa: t.bypass2fa ?? null,
        expires: t.expiresAt?.toISOString() ?? null,
    };
}
/** The workflow lines that use what was stored. */
function workflowLines(dest, registry, isPublicRegistry, permission) {
    const lines = [
        ...(dest.environment ? [`    environment: ${dest.environment}`] : []),
        '    steps:',
        '      - uses: setup-npm-auth/setup-npm-auth@v1',
        '        with:',
        ...(isPublicRegistry ? [] : [`          registry-url: ${registry.href}`]),
        `          token: \${{ secrets.${dest.secret} }}`,
        `          expires-on: \${{ vars.${variableFor(dest.secret)} }}`,
        ...(permission === 'read-write-stage-only' ? ['          publish: stage'] : []),
    ];
    return lines.join('\n');
}
function report(result, args, io, registry, isPublicRegistry, printed) {
    const { created, stored } = result;
    const permission = created.permission ?? 'read-write';
    if (args.json) {
        io.out(`${JSON.stringify({
            registry: registry.href,
            token: {
                ...tokenJson({ ...created, redacted: result.fingerprint }),
                expires: result.expiresAt.toISOString(),
                ...(printed ? { value: printed } : {}),
            },
            verifiedAs: result.username,
            stored: stored
                ? {
                    repository: `${stored.destination.owner}/${stored.destination.repo}`,
                    environment: stored.destination.environment ?? null,
                    secret: stored.destination.secret,
                    secretAction: stored.secret,
                    variable: stored.variable,
                    variableAction: stored.variableAction,
                    record: stored.record,
                }
                : null,
            replaced: result.replaced ? tokenJson(result.replaced) : null,
            revokedOld: result.revokedOld,
        }, null, 2)}\n`);
        return;
    }
    const lines = [
        `Created ${result.fingerprint} "${created.name ?? ''}" (id ${created.key}): ${permission}, expires ${result.expiresAt.toISOString()} — verified, it belongs to ${result.username}.`,
    ];
    if (stored) {
        const where = `${stored.destination.owner}/${stored.destination.repo}${stored.destination.environment ? ` (environment ${stored.destination.environment})` : ''}`;
        lines.push(`Stored in the secret ${stored.destination.secret} of ${where} (${stored.secret}); expiry recorded in the variable ${stored.variable}.`);
    }
    if (result.replaced)
        lines.push(result.revokedOld
            ? `Revoked the old token ${describeToken(result.replaced)}.`
            : `Kept the old token ${describeToken(result.replaced)} (--keep-old): revoke it when nothing uses it.`);
    if (stored)
        lines.push('', 'Use it in the workflow:', '', workflowLines(stored.destination, registry, isPublicRegistry, permission));
    if (permission === 'read-write-stage-only')
        lines.push('', 'Publish with `npm stage publish`, then approve the staged version on npmjs.com (or `npm stage approve`).');
    io.out(`${lines.join('\n')}\n`);
}
const TOKEN_SUBCOMMANDS = ['list', 'create', 'rotate', 'revoke'];


/***/ })

};
