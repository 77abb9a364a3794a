export const id = 234;
export const ids = [234];
export const modules = {

/***/ 1234:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   undiciTransport: () => (/* binding */ undiciTransport)
/* harmony export */ });
/* unused harmony export ProxyRouter */
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6752);
/* harmony import */ var _transport_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1517);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7856);
/**
 * The proxy transport: the undici package (ProxyAgent, tunnelling with CONNECT). Imported lazily by
 * client.ts only when a request goes through a proxy, so a direct run never loads it.
 */



/** One dispatcher per proxy URL (and one direct), reused across requests. */
class ProxyRouter {
    env;
    direct;
    proxies = new Map();
    constructor(env) {
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
/** One router per environment, so connections to a proxy are reused across clients of one run. */
const routers = new WeakMap();
function undiciTransport(env, fixed) {
    return async ({ url, method, headers, body, signal, timeoutMs, maxBodyBytes, where }) => {
        let router = routers.get(env);
        if (!router)
            routers.set(env, (router = new ProxyRouter(env)));
        const response = await (0,undici__WEBPACK_IMPORTED_MODULE_0__/* .request */ .Em)(url, {
            method: method,
            headers,
            body,
            dispatcher: fixed ?? router.dispatcherFor(url),
            signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
        });
        const text = await (0,_transport_js__WEBPACK_IMPORTED_MODULE_1__/* .readCapped */ .EF)({ body: response.body, cancel: () => response.body.destroy(), max: maxBodyBytes, where, status: response.statusCode });
        return { status: response.statusCode, headers: (0,_transport_js__WEBPACK_IMPORTED_MODULE_1__/* .flattenHeaders */ .N4)(response.headers), text };
    };
}


/***/ })

};
