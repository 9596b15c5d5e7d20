// Built-in checklist templates: generic starting points with no country-specific
// legal claims. Each item has an English and a Simplified Chinese title.
#include "checklist/templates.h"

namespace folio {

const std::vector<BuiltinTemplate>& builtin_templates() {
  static const std::vector<BuiltinTemplate> kTemplates = {
      {"study-abroad", "留学",
       {{"Passport (valid well beyond the planned stay)", "护照（有效期远超计划停留期）"},
        {"Offer letter from the school", "学校录取通知书"},
        {"Proof of funds / bank statements", "资金证明／银行流水"},
        {"Degree certificates and transcripts", "学位证书和成绩单"},
        {"Notarized translations", "公证翻译件"},
        {"Language test results", "语言考试成绩"},
        {"Visa application form", "签证申请表"},
        {"Passport photos", "护照照片"},
        {"Health insurance", "医疗保险"},
        {"Health check", "体检报告"},
        {"Police clearance certificate", "无犯罪记录证明"},
        {"Accommodation confirmation", "住宿证明"},
        {"Travel tickets", "机票"}}},
      {"work-visa", "工作签证",
       {{"Passport (valid well beyond the planned stay)", "护照（有效期远超计划停留期）"},
        {"Job offer / employment contract", "工作邀请／劳动合同"},
        {"CV", "简历"},
        {"Degree certificates", "学位证书"},
        {"Professional qualifications", "职业资格证书"},
        {"Notarized translations", "公证翻译件"},
        {"Police clearance certificate", "无犯罪记录证明"},
        {"Health check", "体检报告"},
        {"Proof of funds / bank statements", "资金证明／银行流水"},
        {"Visa application form", "签证申请表"},
        {"Passport photos", "护照照片"}}},
      {"passport-renewal", "护照换发",
       {{"Current passport", "旧护照"},
        {"Application form", "申请表"},
        {"Passport photos", "护照照片"},
        {"Identity card", "身份证"},
        {"Proof of address", "住址证明"},
        {"Fee payment receipt", "缴费凭证"}}},
      {"moving-house", "搬家",
       {{"Lease or purchase contract", "租房或购房合同"},
        {"Notice to the current landlord", "通知现房东"},
        {"Change of address registration", "地址变更登记"},
        {"Utilities transfer", "水电燃气过户"},
        {"Internet contract", "网络合同"},
        {"Update address at the bank", "更新银行地址"},
        {"Book the movers", "预约搬家公司"},
        {"Update insurance", "更新保险"}}},
  };
  return kTemplates;
}

}  // namespace folio
