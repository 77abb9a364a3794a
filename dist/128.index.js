export const id = 128;
export const ids = [128];
export const modules = {

/***/ 9128:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubIssuesApi: () => (/* binding */ createGitHubIssuesApi)
/* harmony export */ });
/* unused harmony export fetchThrough */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _http_client_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9979);
/* harmony import */ var _sync_issue_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5598);
/**
 * IssuesApi over Octokit (@actions/github: honours GITHUB_API_URL, so GitHub Enterprise Server works).
 * Loaded with a dynamic import, only by check mode with open-issue, so the setup path stays light.
 * Octokit's requests go through our HttpClient (given to it as its `fetch`): the same per-request
 * timeout, overall deadline (timeout-seconds), bounded retries for 429/5xx, body cap, and refusal to
 * follow a redirect to another host as every other request of the step.
 */



const DEFAULT_API_URL = 'https://api.github.com';
/** Room for a page of 100 issues with long bodies; a larger answer is refused, not buffered. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** A `fetch` for Octokit backed by our client. 2xx answers must be JSON (or empty), as the API's are. */
function fetchThrough(http) {
    return async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const method = (init?.method ?? 'GET').toUpperCase();
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
async function createGitHubIssuesApi({ token, repository, apiUrl, env, timeoutMs, logger }) {
    if (!token) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('open-issue is true but github-token is empty. Leave github-token at its default (${{ github.token }}) and grant `permissions: issues: write`.');
    }
    const [owner, repo] = (repository ?? '').split('/');
    if (!owner || !repo)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`open-issue needs GITHUB_REPOSITORY (owner/repo); it is ${JSON.stringify(repository ?? '')}.`);
    const http = new _http_client_js__WEBPACK_IMPORTED_MODULE_1__/* .HttpClient */ .Qq({ deadline: Date.now() + timeoutMs, logger, env, maxBodyBytes: MAX_BODY_BYTES, userAgent: 'setup-npm-auth' });
    const { getOctokit } = await Promise.all(/* import() */[__webpack_require__.e(752), __webpack_require__.e(413)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const baseUrl = (apiUrl || DEFAULT_API_URL).replace(/\/+$/, '');
    const octokit = getOctokit(token, { baseUrl, request: { fetch: fetchThrough(http) } });
    const apiHost = (() => {
        try {
            return new URL(baseUrl).host;
        }
        catch {
            return 'the GitHub API';
        }
    })();
    /** Maps Octokit's errors to ours: the API's refusals by status, our client's failures as they are. */
    async function call(what, fn) {
        try {
            return await fn();
        }
        catch (error) {
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
            const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', labels: label, per_page: 100 });
            return issues.filter((i) => !i.pull_request).map((i) => ({ number: i.number, title: i.title, body: i.body ?? '' }));
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
