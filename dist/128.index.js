export const id = 128;
export const ids = [128];
export const modules = {

/***/ 9128:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubIssuesApi: () => (/* binding */ createGitHubIssuesApi)
/* harmony export */ });
/* unused harmony exports MAX_LIST_PAGES, fetchThrough */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _http_client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9979);
/* harmony import */ var _sync_issue_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5598);
/**
 * IssuesApi over Octokit (@actions/github: honours GITHUB_API_URL, so GitHub Enterprise Server works).
 * Loaded with a dynamic import, only by check mode with open-issue, so the setup path stays light.
 * Octokit's requests go through our HttpClient (given to it as its `fetch`): the same per-request
 * timeout, the step's one overall deadline (timeout-seconds, shared with the registry's requests),
 * bounded retries for 429/5xx, body cap, and refusal to follow a redirect to another host as every
 * other request of the step. The github-token goes to the API's own origin only: the `fetch` refuses any
 * other, and the issue list is read by explicit page numbers on the API's URL (a `Link` header's URL is
 * never followed), at most MAX_LIST_PAGES pages.
 */



const DEFAULT_API_URL = 'https://api.github.com';
/** Room for a page of 100 issues with long bodies; a larger answer is refused, not buffered. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Issues per list page (GitHub's maximum). */
const PER_PAGE = 100;
/** Most list pages read: 1,000 issues with one label at GitHub's page size; an endless list is an error past it. */
const MAX_LIST_PAGES = 10;
/** True when a `Link` header announces a next page (its URL is not used: pages are asked for by number). */
function hasNextPage(link) {
    for (const m of (link ?? '').matchAll(/;\s*rel\s*=\s*"?([^";,]*)"?/gi))
        if (m[1].trim().toLowerCase().split(/\s+/).includes('next'))
            return true;
    return false;
}
/**
 * A `fetch` for Octokit backed by our client. 2xx answers must be JSON (or empty), as the API's are.
 * Only URLs on `origin` (the API's) are fetched: Octokit adds the github-token to every request, so a URL
 * elsewhere (a pagination `Link`, a `url` field of an answer) must never be requested.
 */
function fetchThrough(http, origin) {
    return async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const method = (init?.method ?? 'GET').toUpperCase();
        if (url.origin !== origin) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`GitHub API ${method}: refused a request to ${url.origin}, which is not the API's origin (${origin}); the github-token was not sent.`);
        }
        const headers = {};
        new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
        // Octokit sends JSON text; any other body form is refused rather than sent as "[object …]".
        if (init?.body != null && typeof init.body !== 'string')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`GitHub API ${method} ${url.pathname}: unexpected request body type.`);
        const body = init?.body ?? undefined;
        const response = await http.send(url, { method, headers, body, purpose: `GitHub API ${method} ${url.pathname}` });
        if (response.status >= 200 && response.status < 300 && response.text.trim() !== '')
            (0,_http_client_js__WEBPACK_IMPORTED_MODULE_1__/* .parseJsonBody */ .Y2)(response, `GitHub API ${method} ${url.pathname}`);
        const nullBody = [101, 204, 205, 304].includes(response.status);
        return new Response(nullBody ? null : response.text, { status: response.status, headers: response.headers });
    };
}
async function createGitHubIssuesApi({ token, repository, apiUrl, env, deadline, logger }) {
    if (!token) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('open-issue is true but github-token is empty. Leave github-token at its default (${{ github.token }}) and grant `permissions: issues: write`.');
    }
    const [owner, repo] = (repository ?? '').split('/');
    if (!owner || !repo)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`open-issue needs GITHUB_REPOSITORY (owner/repo); it is ${JSON.stringify(repository ?? '')}.`);
    const baseUrl = (apiUrl || DEFAULT_API_URL).replace(/\/+$/, '');
    let api;
    try {
        api = new URL(baseUrl);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`GITHUB_API_URL is not a URL: ${JSON.stringify(baseUrl)}.`);
    }
    if (api.protocol !== 'https:' && api.protocol !== 'http:')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`GITHUB_API_URL must be an http(s) URL; it is ${JSON.stringify(baseUrl)}.`);
    const apiHost = api.host;
    const http = new _http_client_js__WEBPACK_IMPORTED_MODULE_1__/* .HttpClient */ .Qq({ deadline, logger, env, maxBodyBytes: MAX_BODY_BYTES, userAgent: 'setup-npm-auth' });
    const { getOctokit } = await Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(413)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const octokit = getOctokit(token, { baseUrl, request: { fetch: fetchThrough(http, api.origin) } });
    /** Maps Octokit's errors to ours: the API's refusals by status, our client's failures as they are. */
    async function call(what, fn) {
        try {
            return await fn();
        }
        catch (error) {
            // Our own refusal (a page cap, a request elsewhere): as it is.
            if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Could not ${what}: ${error.message}`);
            const e = error;
            // Our client's own failure (timeout, deadline, reset, cap, redirect): Octokit wraps it as a 500.
            if (e.cause instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Could not ${what}: ${e.cause.message}`);
            const status = typeof e.status === 'number' && e.response ? e.status : undefined;
            if (status === 401 || status === 403 || status === 404) {
                throw new _sync_issue_js__WEBPACK_IMPORTED_MODULE_2__/* .IssuesPermissionError */ .So(`GitHub refused to ${what} in ${owner}/${repo} (HTTP ${status} from ${apiHost}). The github-token needs write access to issues: add\npermissions:\n  issues: write\nto the job (and keep contents: read).`);
            }
            if (status === 410) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Issues are disabled in ${owner}/${repo} (HTTP 410 from ${apiHost}): enable them (Settings → General → Features → Issues) or set open-issue: false.`);
            }
            const retried = status !== undefined && (status === 429 || status >= 500) ? ' after 3 tries; GitHub may be having trouble, re-run later' : '';
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Could not ${what} on ${apiHost}: ${status ? `HTTP ${status}${retried}` : (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error)}.`);
        }
    }
    return {
        listOpen: (label) => call('list issues', async () => {
            // Page by page by number, on the API's own URL: a Link header only says whether there is more.
            const seen = new Map();
            for (let page = 1;; page++) {
                if (page > MAX_LIST_PAGES) {
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`${apiHost} listed more than ${MAX_LIST_PAGES} pages of open issues labelled ${JSON.stringify(label)} in ${owner}/${repo}; stopped there. Close old ones, or give this check its own issue-label.`);
                }
                const { data, headers } = await octokit.rest.issues.listForRepo({ owner, repo, state: 'open', labels: label, per_page: PER_PAGE, page });
                let fresh = 0;
                for (const i of data) {
                    if (seen.has(i.number))
                        continue;
                    fresh++;
                    seen.set(i.number, i.pull_request ? null : { number: i.number, title: i.title, body: i.body ?? '', author: i.user?.login });
                }
                // The end: no next page, an empty page, or a page of issues already seen (a list that loops).
                if (!hasNextPage(headers.link) || fresh === 0)
                    break;
            }
            return [...seen.values()].filter((i) => i !== null);
        }),
        identity: () => call('identify the github-token', async () => {
            try {
                const { data } = await octokit.rest.users.getAuthenticated();
                if (typeof data.login !== 'string' || data.login === '')
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`${apiHost} answered GET /user without a login.`);
                return data.login;
            }
            catch (error) {
                // A job's GITHUB_TOKEN (or an app's installation token) has no user: its issues are the Actions bot's.
                const e = error;
                if (e.response && (e.status === 403 || e.status === 404))
                    return _sync_issue_js__WEBPACK_IMPORTED_MODULE_2__/* .GITHUB_ACTIONS_BOT */ .iU;
                throw error;
            }
        }),
        create: (title, body, label) => call('open an issue', async () => (await octokit.rest.issues.create({ owner, repo, title, body, labels: [label] })).data.number),
        update: (number, title, body) => call('update an issue', async () => {
            await octokit.rest.issues.update({ owner, repo, issue_number: number, title, body });
        }),
        comment: (number, body) => call('comment on an issue', async () => {
            await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
        }),
        close: (number) => call('close an issue', async () => {
            await octokit.rest.issues.update({ owner, repo, issue_number: number, state: 'closed', state_reason: 'completed' });
        }),
    };
}


/***/ })

};
