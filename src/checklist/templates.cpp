// Built-in checklist templates: generic starting points with no country-specific
// legal claims. Each item has an English and a Simplified Chinese title. The
// English ones are marked N_ so that a catalogue translates them too (for
// `checklist new` in the message language); po/zh_CN.po gives them the same
// Chinese as here, which --lang zh uses without any catalogue.
#include "checklist/templates.h"

#include "folio/i18n.h"

namespace folio {

const std::vector<BuiltinTemplate>& builtin_templates() {
  static const std::vector<BuiltinTemplate> kTemplates = {
      {"study-abroad", "留学",
       {{N_("Passport (valid well beyond the planned stay)"), "护照（有效期远超计划停留期）"},
        {N_("Offer letter from the school"), "学校录取通知书"},
        {N_("Proof of funds / bank statements"), "资金证明／银行流水"},
        {N_("Degree certificates and transcripts"), "学位证书和成绩单"},
        {N_("Notarized translations"), "公证翻译件"},
        {N_("Language test results"), "语言考试成绩"},
        {N_("Visa application form"), "签证申请表"},
        {N_("Passport photos"), "护照照片"},
        {N_("Health insurance"), "医疗保险"},
        {N_("Health check"), "体检报告"},
        {N_("Police clearance certificate"), "无犯罪记录证明"},
        {N_("Accommodation confirmation"), "住宿证明"},
        {N_("Travel tickets"), "机票"}}},
      {"work-visa", "工作签证",
       {{N_("Passport (valid well beyond the planned stay)"), "护照（有效期远超计划停留期）"},
        {N_("Job offer / employment contract"), "工作邀请／劳动合同"},
        {N_("CV"), "简历"},
        {N_("Degree certificates"), "学位证书"},
        {N_("Professional qualifications"), "职业资格证书"},
        {N_("Notarized translations"), "公证翻译件"},
        {N_("Police clearance certificate"), "无犯罪记录证明"},
        {N_("Health check"), "体检报告"},
        {N_("Proof of funds / bank statements"), "资金证明／银行流水"},
        {N_("Visa application form"), "签证申请表"},
        {N_("Passport photos"), "护照照片"}}},
      {"passport-renewal", "护照换发",
       {{N_("Current passport"), "旧护照"},
        {N_("Application form"), "申请表"},
        {N_("Passport photos"), "护照照片"},
        {N_("Identity card"), "身份证"},
        {N_("Proof of address"), "住址证明"},
        {N_("Fee payment receipt"), "缴费凭证"}}},
      {"moving-house", "搬家",
       {{N_("Lease or purchase contract"), "租房或购房合同"},
        {N_("Notice to the current landlord"), "通知现房东"},
        {N_("Change of address registration"), "地址变更登记"},
        {N_("Utilities transfer"), "水电燃气过户"},
        {N_("Internet contract"), "网络合同"},
        {N_("Update address at the bank"), "更新银行地址"},
        {N_("Book the movers"), "预约搬家公司"},
        {N_("Update insurance"), "更新保险"}}},
  };
  return kTemplates;
}

}  // namespace folio
