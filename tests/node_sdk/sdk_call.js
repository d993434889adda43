// One call through TencentCloud's official Node SDK (tencentcloud-sdk-nodejs-intl-en),
// a client nobody in this project wrote, pointed at tcmpp-sim.
// Usage: node sdk_call.js PORT SERVICE ACTION PAYLOAD_JSON
// Prints the SDK's answer as JSON, or {"error": code, "requestId": id}.
const sdk = require("tencentcloud-sdk-nodejs-intl-en");
const common = require("tencentcloud-sdk-nodejs-intl-en/tencentcloud/common");

const [port, service, action, payload] = process.argv.slice(2);
const version = service === "tcsas" ? "v20250106" : "v20240801";
// The sim's default credentials: the API 3.0 documentation's example pair.
const credential = new common.Credential("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                         "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
const http = new common.HttpProfile();
http.endpoint = "127.0.0.1:" + port;
http.protocol = "http://";
http.reqTimeout = 10;
const profile = new common.ClientProfile();
profile.signMethod = "TC3-HMAC-SHA256";
profile.httpProfile = http;
const print = (err, resp) => {
    if (err) {
        console.log(JSON.stringify({error: err.code || String(err), requestId: err.requestId || null}));
        return;
    }
    console.log(JSON.stringify(resp));
};
const client = new sdk[service][version].Client(credential, "ap-singapore", profile);
if (typeof client[action] === "function") {
    client[action](JSON.parse(payload), print);
} else {
    // The SDK's generated tcsas client lacks the MNP actions: its generic client
    // signs and sends them the same way.
    const generic = new common.CommonClient(service + ".intl.tencentcloudapi.com",
                                            service === "tcsas" ? "2025-01-06" : "2024-08-01",
                                            credential, "ap-singapore", profile);
    generic.request(action, JSON.parse(payload), print);
}
