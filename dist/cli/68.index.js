export const id = 68;
export const ids = [68];
export const modules = {

/***/ 9068:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   undiciTransport: () => (/* binding */ undiciTransport)
/* harmony export */ });
/* unused harmony export ProxyRouter */
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5515);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8903);
/**
 * The proxy transport: the undici package (ProxyAgent, tunnelling with CONNECT). Imported lazily by
 * http.ts only when a request goes through a proxy, so a direct run never loads it.
 */



/** One dispatcher per proxy URL (and one direct), reused across requests. */
class ProxyRouter {
    env;
    direct;
    proxies = new Map();
    constructor(env = process.env) {
        this.env = env;
    }
    dispatcherFor(url) {
        const proxy = (0,_proxy_js__WEBPACK_IMPORTED_MODULE_2__/* .proxyFor */ .i)(url, this.env);
        if (!proxy)
            return (this.direct ??= new undici__WEBPACK_IMPORTED_MODULE_0__/* .Agent */ .g6());
        let agent = this.proxies.get(proxy);
        if (!agent) {
            agent = new undici__WEBPACK_IMPORTED_MODULE_0__/* .ProxyAgent */ .kT({ uri: proxy });
            this.proxies.set(proxy, agent);
        }
        return agent;
    }
}
let router;
function undiciTransport(fixed) {
    return async ({ url, method, headers, body, signal, timeoutMs, maxBodyBytes, where }) => {
        router ??= new ProxyRouter(process.env);
        const response = await (0,undici__WEBPACK_IMPORTED_MODULE_0__/* .request */ .Em)(url, {
            method: method,
            headers,
            body,
            dispatcher: fixed ?? router.dispatcherFor(url),
            signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
        });
        const text = await (0,_http_js__WEBPACK_IMPORTED_MODULE_1__/* .readCapped */ .EF)(response.body, maxBodyBytes, where, response.statusCode, () => response.body.destroy());
        return { status: response.statusCode, headers: (0,_http_js__WEBPACK_IMPORTED_MODULE_1__/* .flattenHeaders */ .N4)(response.headers), text };
    };
}


/***/ })

};
