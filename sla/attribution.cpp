// SPDX-License-Identifier: Apache-2.0
// R4: the attribution table of TencentCloud API error codes (sla/attribution.hpp).
// Exact codes come from the tcmpp 2024-08-01 and tcsas 2025-01-06 error lists
// of TencentCloud's public SDKs and from the API 3.0 common error codes.

#include "sla/attribution.hpp"

#include <algorithm>
#include <iterator>

namespace slawatch::sla {
namespace {

// Clauses: 1.2 a fault of Tencent Cloud's (provider); 4.4 credentials the
// customer lost or mishandled; 4.5 the customer's authorization or operation;
// 4.6 a request that does not follow the product documentation; 4.8 a request
// refused under the service terms (no plan, plan expired).
// clang-format off
constexpr CodeRule rules[] = {
    {"ActionOffline", false, Outcome::api_error, "1.2", "The action has been taken offline.", list_common},
    {"AuthFailure", false, Outcome::auth_error, "4.4", "CAM signature/authentication error.", list_tcmpp|list_tcsas},
    {"AuthFailure.InvalidAuthorization", false, Outcome::auth_error, "4.4", "The Authorization header is malformed.", list_common},
    {"AuthFailure.InvalidSecretId", false, Outcome::auth_error, "4.4", "Invalid key (not a TencentCloud API key type).", list_common},
    {"AuthFailure.MFAFailure", false, Outcome::auth_error, "4.4", "MFA check failed.", list_common},
    {"AuthFailure.SecretIdNotFound", false, Outcome::auth_error, "4.4", "The key does not exist or is disabled.", list_common},
    {"AuthFailure.SignatureExpire", false, Outcome::auth_error, "4.4", "The signature expired (clock more than 5 minutes off).", list_common},
    {"AuthFailure.SignatureFailure", false, Outcome::auth_error, "4.4", "Signature verification failed.", list_common},
    {"AuthFailure.TokenFailure", false, Outcome::auth_error, "4.4", "The token is wrong or expired.", list_common},
    {"AuthFailure.UnauthorizedOperation", false, Outcome::auth_error, "4.4", "The request is not authorized (CAM).", list_common},
    {"DryRunOperation", false, Outcome::client_error, "4.6", "DryRun operation, indicating that the request will be successful, but with an additional DryRun parameter.", list_tcmpp|list_common},
    {"FailedOperation", false, Outcome::api_error, "1.2", "Operation failed.", list_tcmpp|list_tcsas|list_common},
    {"FailedOperation.AppAlreadyBindAudit", false, Outcome::client_error, "4.6", "Failed to delete: the application is bound with an ongoing approval ticket.", list_tcmpp|list_tcsas},
    {"FailedOperation.AppAlreadyBindMiniProgram", false, Outcome::client_error, "4.6", "Failed to delete: This app is bound to a mini program.", list_tcmpp|list_tcsas},
    {"FailedOperation.ApplicationNameAlreadyExisted", false, Outcome::client_error, "4.6", "The application name already exists.", list_tcmpp|list_tcsas},
    {"FailedOperation.ApplicationNumberExceedLimit", false, Outcome::client_error, "4.6", "The number of applications exceeds the limit.", list_tcmpp|list_tcsas},
    {"FailedOperation.ApprovalAlreadyProcessed", false, Outcome::client_error, "4.6", "The approval request has already been processed. Please do not repeat this operation.", list_tcsas},
    {"FailedOperation.ApprovalNotBelongToApplication", false, Outcome::client_error, "4.6", "The approval request does not belong to the current superapp.", list_tcsas},
    {"FailedOperation.ExistBlackDomain", false, Outcome::client_error, "4.6", "The domain name is already in the blocklist.", list_tcmpp},
    {"FailedOperation.ExistMNPApprovalRecord", false, Outcome::client_error, "4.6", "There is an ongoing approval request for this mini program.", list_tcmpp|list_tcsas},
    {"FailedOperation.ExistMerchantBindApply", false, Outcome::client_error, "4.6", "A merchant binding request already exists.", list_tcsas},
    {"FailedOperation.ExistMerchantBindRelation", false, Outcome::client_error, "4.6", "The merchant is already bound.", list_tcsas},
    {"FailedOperation.ExistPaymentOpenApply", false, Outcome::client_error, "4.6", "A payment activation approval request is already pending. Please do not resubmit.", list_tcsas},
    {"FailedOperation.ExistRepeatDomainUrl", false, Outcome::client_error, "4.6", "Failed to add: The domain name URL already exists.", list_tcmpp|list_tcsas},
    {"FailedOperation.ExistSensitiveAPI", false, Outcome::client_error, "4.6", "The sensitive API already exists.", list_tcmpp|list_tcsas},
    {"FailedOperation.ExistWhiteDomain", false, Outcome::client_error, "4.6", "The domain name is already in the allowlist.", list_tcmpp},
    {"FailedOperation.FileDownloadFailed", false, Outcome::api_error, "1.2", "Failed to download the mini program file", list_tcmpp|list_tcsas},
    {"FailedOperation.GetOperateResourceFailed", false, Outcome::api_error, "1.2", "Failed to obtain the operation resource.", list_tcmpp|list_tcsas},
    {"FailedOperation.InvalidRequestEnterpriseInfo", false, Outcome::client_error, "4.6", "Invalid team information", list_tcmpp},
    {"FailedOperation.LoginAuthFailed", false, Outcome::client_error, "4.5", "User login authentication failed.", list_tcmpp|list_tcsas},
    {"FailedOperation.MNPNumberExceedLimit", false, Outcome::client_error, "4.6", "The number of mini programs exceeds the limit.", list_tcmpp|list_tcsas},
    {"FailedOperation.MNPOnlineVersionNotExist", false, Outcome::client_error, "4.6", "The mini program does not have an online version.", list_tcmpp|list_tcsas},
    {"FailedOperation.MNPPaymentAlreadyEnabled", false, Outcome::client_error, "4.6", "The payment capability of this mini program is already activated.", list_tcsas},
    {"FailedOperation.MNPReleaseNumberExceedLimit", false, Outcome::client_error, "4.6", "The number of released mini programs exceeds the limit.", list_tcmpp|list_tcsas},
    {"FailedOperation.MNPTeamAssociatedApplicationTeamNotCreateApplication", false, Outcome::client_error, "4.6", "The mini program-associated application team has not created any mini programs.", list_tcmpp|list_tcsas},
    {"FailedOperation.MNPTeamNotAssociatedApplicationTeam", false, Outcome::client_error, "4.6", "The mini program team is not associated with an application team.", list_tcmpp|list_tcsas},
    {"FailedOperation.MNPVersionReleased", false, Outcome::client_error, "4.6", "This mini program version has already been released.", list_tcmpp|list_tcsas},
    {"FailedOperation.MerchantPaymentFunctionClosed", false, Outcome::client_error, "4.6", "The superapp payment configuration is disabled.", list_tcsas},
    {"FailedOperation.MiniProgramIconAnalysisFailed", false, Outcome::client_error, "4.6", "Failed to parse the mini program icon.", list_tcmpp|list_tcsas},
    {"FailedOperation.NoAccessPermission", false, Outcome::client_error, "4.5", "Unauthorized operation", list_tcmpp|list_tcsas},
    {"FailedOperation.OnlyReleasePlatformApprovedMNPVersion", false, Outcome::client_error, "4.6", "Only approved mini program versions can be released.", list_tcmpp|list_tcsas},
    {"FailedOperation.OperationsTeamNoApplicationPermission", false, Outcome::client_error, "4.5", "The current team does not have the permission to create applications.", list_tcmpp},
    {"FailedOperation.OperationsTeamNoMiniProgramPermission", false, Outcome::client_error, "4.5", "The current operation team does not have permission to create a mini program.", list_tcmpp|list_tcsas},
    {"FailedOperation.PackageAlreadyExpired", false, Outcome::client_error, "4.8", "The TCMPP plan under the current account has expired.", list_tcmpp|list_tcsas},
    {"FailedOperation.PaymentRecordNotBelongToApplication", false, Outcome::client_error, "4.6", "Invalid superapp ID or parameter ID.", list_tcsas},
    {"FailedOperation.PaymentRecordNotFound", false, Outcome::client_error, "4.6", "Payment binding not found.", list_tcsas},
    {"FailedOperation.PaymentVersionCheckError", false, Outcome::client_error, "4.6", "Payment version verification failed.", list_tcsas},
    {"FailedOperation.ProdApplicationConfigExceedLimit", false, Outcome::client_error, "4.6", "Number of production superapp package name configurations exceeds the limit.", list_tcsas},
    {"FailedOperation.RecordNotFound", false, Outcome::client_error, "4.6", "The record does not exist.", list_tcmpp|list_tcsas},
    {"FailedOperation.ReleaseMNPVersionNeedGreaterThanOnlineVersion", false, Outcome::client_error, "4.6", "The version of the mini program to be released must be later than the online version.", list_tcmpp|list_tcsas},
    {"FailedOperation.RequestParamAnalysisFailed", false, Outcome::client_error, "4.6", "Failed to parse request parameters.", list_tcmpp|list_tcsas},
    {"FailedOperation.ShowcaseVersionAlreadyExist", false, Outcome::client_error, "4.6", "The preview version already exists.", list_tcmpp|list_tcsas},
    {"FailedOperation.SystemError", false, Outcome::api_error, "1.2", "System error.", list_tcmpp|list_tcsas},
    {"FailedOperation.TestApplicationConfigExceedLimit", false, Outcome::client_error, "4.6", "Number of non-production superapp package names exceeds the limit.", list_tcsas},
    {"FailedOperation.UnableOperateAdminAccount", false, Outcome::client_error, "4.5", "You do not have permissions to manage the admin account.", list_tcmpp|list_tcsas},
    {"FailedOperation.UserNotFound", false, Outcome::client_error, "4.6", "The user does not exist.", list_tcsas},
    {"InternalError", false, Outcome::api_error, "1.2", "Internal error.", list_tcmpp|list_tcsas|list_common},
    {"InvalidAction", false, Outcome::client_error, "4.6", "The action does not exist.", list_common},
    {"InvalidParameter", false, Outcome::client_error, "4.6", "Incorrect parameter.", list_tcmpp|list_tcsas|list_common},
    {"InvalidParameter.InvalidExistSameAppKey", false, Outcome::client_error, "4.6", "Duplicate superapp package names exist.", list_tcsas},
    {"InvalidParameterValue", false, Outcome::client_error, "4.6", "Invalid parameter value.", list_tcmpp|list_tcsas|list_common},
    {"InvalidParameterValue.AgeRatingExceedSupperAppLimit", false, Outcome::client_error, "4.6", "Age rating exceeds the superapp limit.", list_tcsas},
    {"InvalidParameterValue.AppKeyLengthExceedLimit", false, Outcome::client_error, "4.6", "Superapp package name length exceeds the limit.", list_tcsas},
    {"InvalidParameterValue.AppPackageNameNotConfig", false, Outcome::client_error, "4.6", "The application package name is not specified.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.AppURLLengthExceedLimit", false, Outcome::client_error, "4.6", "Superapp URL length exceeds the limit.", list_tcsas},
    {"InvalidParameterValue.ApprovalNoteRequired", false, Outcome::client_error, "4.6", "Approval note cannot be empty.", list_tcsas},
    {"InvalidParameterValue.DuplicateAgeRatingStandard", false, Outcome::client_error, "4.6", "Duplicate age rating.", list_tcsas},
    {"InvalidParameterValue.ExistMismatchParameterType", false, Outcome::client_error, "4.6", "Invalid value type or a required parameter is missing.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.ExistTeamName", false, Outcome::client_error, "4.6", "The team name already exists.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.ExistUserAccount", false, Outcome::client_error, "4.6", "The account already exists.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidAccountType", false, Outcome::client_error, "4.6", "Invalid account type", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidAgeRatingStandard", false, Outcome::client_error, "4.6", "Invalid age rating parameters.", list_tcsas},
    {"InvalidParameterValue.InvalidAppPackageNameLayout", false, Outcome::client_error, "4.6", "Incorrect application package name format", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidAppType", false, Outcome::client_error, "4.6", "Invalid superapp type.", list_tcsas},
    {"InvalidParameterValue.InvalidApplicationId", false, Outcome::client_error, "4.6", "Application ID is not specified or the ID does not exist.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApplicationIntro", false, Outcome::client_error, "4.6", "The application introduction is empty or exceeds 500 characters.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApplicationName", false, Outcome::client_error, "4.6", "Invalid format or length of the application name", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApplicationRemark", false, Outcome::client_error, "4.6", "The application remark is empty or exceeds 1,000 characters.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApplyAction", false, Outcome::client_error, "4.6", "Invalid request operation", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApprovalNo", false, Outcome::client_error, "4.6", "Invalid approval ID", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApprovalNote", false, Outcome::client_error, "4.6", "The length of approval notes exceeds the limit.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidApprovalType", false, Outcome::client_error, "4.6", "Invalid approval type.", list_tcsas},
    {"InvalidParameterValue.InvalidMNPI18NLang", false, Outcome::client_error, "4.6", "Invalid multi-language language code.", list_tcsas},
    {"InvalidParameterValue.InvalidMNPIcon", false, Outcome::client_error, "4.6", "Invalid file type of the mini program icon", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPId", false, Outcome::client_error, "4.6", "Invalid mini program ID", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPIntro", false, Outcome::client_error, "4.6", "The mini program introduction is empty or too long.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPName", false, Outcome::client_error, "4.6", "Invalid format or length of the mini program name", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPType", false, Outcome::client_error, "4.6", "Invalid mini program type", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPVersion", false, Outcome::client_error, "4.6", "Invalid mini program version number", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPVersionId", false, Outcome::client_error, "4.6", "The mini program version ID is empty or the version does not exist.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPVersionIntro", false, Outcome::client_error, "4.6", "The mini program version introduction is empty or is too long.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMNPVersionTaskId", false, Outcome::client_error, "4.6", "Invalid task ID", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidMerchantId", false, Outcome::client_error, "4.6", "Invalid merchant ID.", list_tcsas},
    {"InvalidParameterValue.InvalidMerchantName", false, Outcome::client_error, "4.6", "Invalid merchant name.", list_tcsas},
    {"InvalidParameterValue.InvalidMiniAppId", false, Outcome::client_error, "4.6", "Invalid mini program ID.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidPlatformId", false, Outcome::client_error, "4.6", "Invalid platform ID", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidRoleId", false, Outcome::client_error, "4.6", "Invalid role ID", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidTeamId", false, Outcome::client_error, "4.6", "Invalid team ID", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidUserId", false, Outcome::client_error, "4.6", "Invalid user", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.InvalidUserName", false, Outcome::client_error, "4.6", "Invalid username format or length", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.MNPApprovalStatusError", false, Outcome::client_error, "4.6", "Invalid value of the approval request status of the mini program.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.MNPFileSizExceedLimit", false, Outcome::client_error, "4.6", "The mini program package size exceeds the limit.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.MNPTypeNumberExceedLimit", false, Outcome::client_error, "4.6", "The number of mini program categories exceeds the limit.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.MNPVersionIsNotPlatformPhase", false, Outcome::client_error, "4.6", "The mini program version has not been approved.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.MiniProgramNameAlreadyExist", false, Outcome::client_error, "4.6", "The mini program name already exists.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.PaymentRecordNotFound", false, Outcome::client_error, "4.6", "Approval note is required.", list_tcsas},
    {"InvalidParameterValue.ProcessApplicationAndApprovalApplicationMismatch", false, Outcome::client_error, "4.6", "The application in the approval request does not match the application associated with the mini program.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.ProcessApprovalItemIsEmpty", false, Outcome::client_error, "4.6", "The approval details are required.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.ProcessMNPApprovalStatusError", false, Outcome::client_error, "4.6", "Invalid value of the mini program approval status", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.QueryParameterLengthExceedLimit", false, Outcome::client_error, "4.6", "The length of the query parameter exceeds 64 characters.", list_tcmpp|list_tcsas},
    {"InvalidParameterValue.TeamTypeMismatch", false, Outcome::client_error, "4.6", "Invalid team type", list_tcmpp},
    {"InvalidParameterValue.UserTeamRelationNotExist", false, Outcome::client_error, "4.6", "The user is not in the specified team.", list_tcmpp},
    {"InvalidRequest", false, Outcome::client_error, "4.6", "The multipart request body is malformed.", list_common},
    {"IpInBlacklist", false, Outcome::auth_error, "4.5", "The source IP is in the blocklist.", list_common},
    {"IpNotInWhitelist", false, Outcome::auth_error, "4.5", "The source IP is not in the allowlist.", list_common},
    {"LimitExceeded", false, Outcome::client_error, "4.6", "A quota limit was exceeded.", list_common},
    {"MissingParameter", false, Outcome::client_error, "4.6", "Missing required parameters.", list_tcmpp|list_tcsas|list_common},
    {"MissingParameter.LoginInfoNotFound", false, Outcome::client_error, "4.5", "No valid login information found.", list_tcmpp|list_tcsas},
    {"NoSuchProduct", false, Outcome::client_error, "4.6", "The product does not exist.", list_common},
    {"NoSuchVersion", false, Outcome::client_error, "4.6", "The API version does not exist.", list_common},
    {"OperationDenied", false, Outcome::client_error, "4.5", "Operation denied.", list_tcmpp},
    {"RequestLimitExceeded", false, Outcome::client_error, "4.6", "Too frequent requests", list_tcmpp|list_common},
    {"RequestLimitExceeded.GlobalRegionUinLimitExceeded", false, Outcome::client_error, "4.6", "Account rate limit across regions exceeded.", list_common},
    {"RequestLimitExceeded.IPLimitExceeded", false, Outcome::client_error, "4.6", "Per-IP rate limit exceeded.", list_common},
    {"RequestLimitExceeded.UinLimitExceeded", false, Outcome::client_error, "4.6", "Per-account rate limit exceeded.", list_common},
    {"RequestSizeLimitExceeded", false, Outcome::client_error, "4.6", "The request body is too large.", list_common},
    {"ResourceInUse", false, Outcome::client_error, "4.6", "The resource is occupied.", list_tcmpp|list_common},
    {"ResourceInsufficient", false, Outcome::api_error, "1.2", "Insufficient resources.", list_tcmpp|list_common},
    {"ResourceNotFound", false, Outcome::client_error, "4.6", "The resource does not exist.", list_tcmpp|list_common},
    {"ResourceNotFound.NotFoundPurchasedPackage", false, Outcome::client_error, "4.8", "There are no TCMPP plans under this account.", list_tcmpp|list_tcsas},
    {"ResourceUnavailable", false, Outcome::api_error, "1.2", "The resource is not available.", list_tcmpp|list_common},
    {"ResponseSizeLimitExceeded", false, Outcome::client_error, "4.6", "The answer would be too large.", list_common},
    {"ServiceUnavailable", false, Outcome::api_error, "1.2", "The service is temporarily unavailable.", list_common},
    {"UnauthorizedOperation", false, Outcome::auth_error, "4.5", "Unauthorized operation.", list_tcmpp|list_common},
    {"UnknownParameter", false, Outcome::client_error, "4.6", "Unknow parameter error.", list_tcmpp|list_tcsas|list_common},
    {"UnsupportedOperation", false, Outcome::client_error, "4.6", "The operation is not supported.", list_tcmpp|list_common},
    {"UnsupportedProtocol", false, Outcome::client_error, "4.6", "The HTTP(S) method or protocol is not supported.", list_common},
    {"UnsupportedRegion", false, Outcome::client_error, "4.6", "The action is not supported in this region.", list_common},

    // Families: a code not listed above that is one of these or starts with
    // one of these and a dot.
    {"AuthFailure", true, Outcome::auth_error, "4.4", "CAM signature or credential error.", 0},
    {"UnauthorizedOperation", true, Outcome::auth_error, "4.5", "The caller lacks permission.", 0},
    {"InvalidParameter", true, Outcome::client_error, "4.6", "A parameter is wrong.", 0},
    {"InvalidParameterValue", true, Outcome::client_error, "4.6", "A parameter's value is wrong.", 0},
    {"MissingParameter", true, Outcome::client_error, "4.6", "A required parameter is missing.", 0},
    {"UnknownParameter", true, Outcome::client_error, "4.6", "An unknown parameter was sent.", 0},
    {"RequestLimitExceeded", true, Outcome::client_error, "4.6", "The documented rate limit (20 requests/s) was exceeded.", 0},
    {"LimitExceeded", true, Outcome::client_error, "4.6", "A quota of the account was exceeded.", 0},
    {"ResourceNotFound", true, Outcome::client_error, "4.6", "The requested resource does not exist.", 0},
    {"InternalError", true, Outcome::api_error, "1.2", "An internal error of the service.", 0},
    {"ResourceUnavailable", true, Outcome::api_error, "1.2", "The resource is not available.", 0},
    {"ResourceInsufficient", true, Outcome::api_error, "1.2", "The service lacks resources.", 0},
    {"ServiceUnavailable", true, Outcome::api_error, "1.2", "The service is temporarily unavailable.", 0},
};
// clang-format on

// The exact codes come first, sorted; the families last.
constexpr std::size_t exact_count = static_cast<std::size_t>(
    std::count_if(std::begin(rules), std::end(rules), [](const CodeRule& r) { return !r.family; }));
constexpr std::span<const CodeRule> exact_rules{rules, exact_count};
constexpr std::span<const CodeRule> family_rules{rules + exact_count,
                                                 std::size(rules) - exact_count};

static_assert(std::is_sorted(exact_rules.begin(), exact_rules.end(),
                             [](const CodeRule& a, const CodeRule& b) { return a.code < b.code; }),
              "the exact codes must stay sorted");
static_assert(std::all_of(family_rules.begin(), family_rules.end(),
                          [](const CodeRule& r) { return r.family; }),
              "the family rules must come last");

}  // namespace

std::span<const CodeRule> code_rules() {
    return rules;
}

const CodeRule* find_code_rule(std::string_view code) {
    const auto it =
        std::lower_bound(exact_rules.begin(), exact_rules.end(), code,
                         [](const CodeRule& r, std::string_view c) { return r.code < c; });
    if (it != exact_rules.end() && it->code == code) return &*it;
    const CodeRule* best = nullptr;
    for (const auto& r : family_rules) {
        const bool member = code.starts_with(r.code) &&
                            (code.size() == r.code.size() || code[r.code.size()] == '.');
        if (member && (!best || r.code.size() > best->code.size())) best = &r;
    }
    return best;
}

Attribution builtin_attribution(std::string_view code) {
    const CodeRule* rule = find_code_rule(code);
    return attribution(rule ? rule->outcome : Outcome::api_error);
}

CodeAttribution attribute_code(std::string_view code, std::span<const CodeOverride> overrides) {
    CodeAttribution a;
    if (const CodeRule* rule = find_code_rule(code)) {
        a.outcome = rule->outcome;
        a.clause = rule->clause;
        a.rule = rule->code;
    } else {
        // An unknown code is the provider's until proven otherwise.
        a.clause = provider_clause;
    }
    const auto o = std::find_if(overrides.begin(), overrides.end(),
                                [&](const CodeOverride& x) { return x.code == code; });
    if (o != overrides.end() && o->to != attribution(a.outcome)) {
        // The operator's reason stands in for the rule; the clause is the class's general one.
        const bool customer = o->to == Attribution::customer;
        a.outcome = customer ? Outcome::client_error : Outcome::api_error;
        a.clause = customer ? moved_customer_clause : provider_clause;
        a.reason = o->reason;
        a.overridden = true;
    }
    return a;
}

Outcome effective_outcome(Outcome recorded, std::string_view error_code,
                          std::span<const CodeOverride> overrides) {
    if (error_code.empty() || (recorded != Outcome::api_error && recorded != Outcome::auth_error &&
                               recorded != Outcome::client_error))
        return recorded;
    return attribute_code(error_code, overrides).outcome;
}

}  // namespace slawatch::sla
