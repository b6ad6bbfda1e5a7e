/**
 * Words for generated case history: everyday complaints per category (the
 * background), and planted common problems — one underlying problem said in
 * different words by residents of different villages — whose members the
 * grouping must find again. `{village}`, `{group}`, `{n}`, `{time}` and
 * `{ask}` are filled in by the generator.
 */

export const FILLERS = {
  /** How a clerk or a resident starts; empty most often. */
  opening: ['', '', '', '', '来电人称，', '{village}居民反映：', '我是{village}的，', '村民反映，', '市民来电：', '住户反映：'],
  time: ['最近', '这几天', '上个月以来', '一直', '今年以来', '好长时间了', '从去年开始', '这段时间'],
  ask: [
    '希望尽快解决',
    '请相关部门处理',
    '麻烦派人来看看',
    '多次反映没有结果',
    '请给个答复',
    '希望领导重视',
    '请尽快协调',
    '群众意见很大',
  ],
};

/** Background complaints by subcategory; a category without its own list uses GENERIC. */
export const BACKGROUND_TEXTS: Record<string, readonly string[]> = {
  '0101': ['咨询养老保险补缴政策，{ask}', '退休后养老金{time}没有按时发放，{ask}', '养老保险转移接续手续办不下来，{ask}'],
  '0102': ['住院费用医保报销比例有疑问，{ask}', '异地就医备案不会办理，{ask}', '医保卡{time}不能使用，{ask}'],
  '0103': ['家里困难想申请低保，{ask}', '低保被取消了不知道原因，{ask}', '临时救助申请{time}没有回复，{ask}'],
  '0104': ['社保多扣了费用要求退费，{ask}', '灵活就业社保缴费基数有疑问，{ask}'],
  '0201': ['征地补偿款{time}没有到位，{ask}', '土地被征用后补偿标准太低，{ask}'],
  '0202': ['拆迁安置房交房时间一拖再拖，{ask}', '过渡费{time}没有发放，{ask}'],
  '0203': ['咨询移民身份认定政策，{ask}', '移民子女就业扶持怎么申请，{ask}'],
  '0301': ['想找工作不知道去哪里报名，{ask}', '咨询公益性岗位招聘条件，{ask}'],
  '0302': ['公司拖欠{n}个月工资，{ask}', '在外打工老板不发工资，{ask}', '饭店老板欠了{n}千元工资，{ask}'],
  '0303': ['创业担保贷款申请流程咨询，{ask}', '返乡创业补贴怎么申请，{ask}'],
  '0401': ['{village}{group}下水道堵了，污水漫到路上，{ask}', '下雨天路口积水严重，排水沟堵塞，{ask}', '化粪池满了往外冒，{ask}'],
  '0402': ['{village}路面坑洼不平，车辆通行困难，{ask}', '人行道地砖破损，老人容易摔倒，{ask}'],
  '0403': ['{village}路灯{time}不亮，晚上走路很黑，{ask}', '小区门口的路灯坏了，{ask}'],
  '0404': ['路上井盖缺失很危险，{ask}', '井盖松动车一过就响，{ask}'],
  '0405': ['绿化带杂草丛生没人管，{ask}', '行道树枝挡住了窗户，{ask}'],
  '0501': ['{village}电压不稳，电器经常烧坏，{ask}', '{time}频繁停电，{ask}'],
  '0502': ['{village}自来水水压太低，楼上没水，{ask}', '停水{n}天了没有通知，{ask}'],
  '0503': ['燃气管道有异味，担心泄漏，{ask}', '天然气开户安装{time}没人来，{ask}'],
  '0601': ['楼下广场舞噪音太大，{ask}', '附近工地夜间施工噪音扰民，{ask}', '门面音响声音太大影响休息，{ask}'],
  '0602': ['{village}垃圾{time}没人清运，臭气熏天，{ask}', '垃圾桶满了没人收，{ask}'],
  '0603': ['附近厂房排放废气，气味很大，{ask}', '河沟里有人倾倒废渣，{ask}'],
  '0701': ['{village}{group}山上有危岩，下雨担心掉石头，{ask}'],
  '0702': ['{village}后山出现裂缝，担心滑坡，{ask}', '房屋旁边地面塌陷，{ask}'],
  '0801': ['公交车{time}不按时发车，{ask}', '希望增加到{village}的公交班次，{ask}'],
  '0802': ['路口乱停车堵塞交通，{ask}', '学校门口上下学时段拥堵，{ask}'],
  '0803': ['{village}通组公路{time}坑洼，{ask}', '村道塌方车辆无法通行，{ask}'],
  '0901': ['咨询房产证办理需要准备哪些材料，{ask}', '房产证上名字写错了怎么更正，{ask}', '二手房过户不动产登记要多久，{ask}'],
  '0902': ['物业公司服务差还涨物业费，{ask}', '小区电梯经常坏物业不管，{ask}', '物业不公开公共收益，{ask}'],
  '0903': ['{village}{group}老房子漏雨成了危房，{ask}', '危房改造补助申请{time}没有消息，{ask}'],
  '1001': ['邻居占用公共过道堆放杂物，{ask}', '邻居家漏水到我家，协商不成，{ask}'],
  '1002': ['子女不赡养老人，{ask}', '家庭矛盾需要调解，{ask}'],
  '1003': ['{village}{group}土地边界有纠纷，{ask}', '山林权属争议{time}没有解决，{ask}'],
  '1101': ['小区附近有人聚众赌博，{ask}', '夜间有陌生人在楼道徘徊，{ask}'],
  '1102': ['反映有人电信诈骗的线索，{ask}'],
  '1201': ['门面私拉电线存在安全隐患，{ask}', '工地脚手架不牢固，{ask}'],
  '1202': ['消防通道被车辆堵塞，{ask}', '楼道里电动车充电有火灾隐患，{ask}'],
  '1301': ['景区门票价格不透明，{ask}'],
  '1302': ['导游强制购物，{ask}'],
  '1401': ['孩子入学学位分配有疑问，{ask}', '学校周边交通安全隐患，{ask}'],
  '1402': ['医院排队时间太长，{ask}', '村卫生室{time}没有医生，{ask}'],
  '1501': ['耕地地力保护补贴{time}没有发放，{ask}', '种粮补贴标准有疑问，{ask}'],
  '1502': ['{village}饮水管道破裂漏水，{ask}', '{village}{group}停水{n}天了，{ask}'],
  '9901': ['建议在{village}增设便民服务点，{ask}', '咨询办理居住证的流程，{ask}'],
  '9902': ['反映{village}的其他问题，{ask}'],
};

export const GENERIC_TEXTS: readonly string[] = ['反映{village}的问题，{ask}'];

export interface PlantedProblem {
  /** Tracking-code prefix of its cases, e.g. 'CP1': the truth the tests compare with. */
  key: string;
  title: string;
  /** Subcategories the clerks filed it under (the first most often). */
  categories: readonly string[];
  /** Towns whose villages raise it (names). */
  towns: readonly string[];
  cases: number;
  /** Months before the end of the history when it starts being raised. */
  sinceMonths: number;
  texts: readonly string[];
}

/** Common problems planted in the history, after the seeds' 万州 房产证 legacy problem. */
export const PLANTED_PROBLEMS: readonly PlantedProblem[] = [
  {
    key: 'CP1',
    title: '集资房、移民自建房房产证办理遗留问题',
    categories: ['0901', '0902', '9902'],
    towns: ['钟鼓楼街道', '高笋塘街道', '龙都街道', '沙河街道'],
    cases: 36,
    sinceMonths: 8,
    texts: [
      '{village}的集资房产权证{time}办不下来，住了十几年了，{ask}',
      '我们是移民安置的集资房，当年验收没通过，房产证到现在都办不了，{ask}',
      '集资房验收时绿化面积不达标，全楼住户办不了房产证，{ask}',
      '买的集资房十多年了拿不到房产证，开发商说是验收遗留问题，{ask}',
      '房屋产权证遗留问题：{village}集资房{n}0多户至今没有办理产权证，{ask}',
      '{village}移民自建房办不了房产证，说是历史遗留问题，{ask}',
      '住了十年的集资房还是没有产权证，孩子上学落户受影响，{ask}',
      '反映集资房产权证办理难，验收资料不全办不了证，{ask}',
    ],
  },
  {
    key: 'CP2',
    title: '三峡移民后期扶持资金未按时发放',
    categories: ['0203', '0103'],
    towns: ['分水镇', '长岭镇'],
    cases: 28,
    sinceMonths: 5,
    texts: [
      '移民后期扶持资金{time}没有发放到位，{ask}',
      '我是三峡移民，今年的后期扶持补贴还没到账，{ask}',
      '{village}好几户移民的后期扶持款被拖欠，{ask}',
      '三峡库区移民后期扶持直补资金今年一直没发，{ask}',
      '咨询移民后期扶持补助为什么停发了，{ask}',
      '移民后期扶持资金到账延迟，家里生活困难，{ask}',
    ],
  },
  {
    key: 'CP3',
    title: '农村饮水工程水质浑浊发黄',
    categories: ['1502', '0502'],
    towns: ['长岭镇'],
    cases: 22,
    sinceMonths: 3,
    texts: [
      '{village}自来水发黄浑浊，{time}一直这样，{ask}',
      '村里的自来水浑浊有异味，烧开后有黄色沉淀，{ask}',
      '{village}{group}的自来水水质浑浊，水里有泥沙，不敢喝，{ask}',
      '农村饮水工程的自来水浑浊发黄，怀疑水厂没有消毒，{ask}',
      '家里水龙头放出来的自来水发黄，还很浑浊，{ask}',
    ],
  },
  {
    key: 'CP4',
    title: '滨江路安置房工地拖欠农民工工资',
    categories: ['0302'],
    towns: ['龙都街道', '钟鼓楼街道', '分水镇', '长岭镇'],
    cases: 18,
    sinceMonths: 2,
    texts: [
      '在滨江路安置房工地干活，工资被拖欠了{n}个月，{ask}',
      '滨江路安置房项目包工头拖欠农民工工资，{ask}',
      '我们{n}个工人在滨江路安置房工地做了半年，老板一直不给工钱，{ask}',
      '滨江路安置房工地欠薪，找施工方多次无果，{ask}',
    ],
  },
];
