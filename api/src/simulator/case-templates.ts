/**
 * The requests the simulator files: the kinds residents of a district like
 * 万州 bring to a hotline, a liaison point or a grid worker on patrol, worded
 * as they would be, under the default taxonomy's subcategories. `{place}` is
 * the village or community, `{n}` a small number.
 */
import type { Random } from './patrol-route.ts';

export interface CaseTemplate {
  categoryCode: string;
  title: string;
  description: string;
  /** How often it comes, relative to the others. */
  weight: number;
  /** Share of such requests that are urgent. */
  urgentShare: number;
  /** Raised by a grid worker on patrol rather than by a resident. */
  patrol: boolean;
}

export const CASE_TEMPLATES: readonly CaseTemplate[] = [
  {
    categoryCode: '0402',
    title: '{place}路面破损坑洼',
    description: '{place}主干道有一处路面破损，坑深约{n}0厘米，雨天积水，电动车经过容易摔倒，请尽快修补。',
    weight: 6,
    urgentShare: 0.1,
    patrol: true,
  },
  {
    categoryCode: '0403',
    title: '{place}路灯不亮',
    description: '{place}沿街有{n}盏路灯连续几晚不亮，晚上老人小孩出行不安全，希望尽快维修。',
    weight: 8,
    urgentShare: 0,
    patrol: true,
  },
  {
    categoryCode: '0404',
    title: '{place}井盖缺失',
    description: '{place}人行道上一个井盖缺失，只用树枝挡着，行人容易踩空，请立即处理。',
    weight: 3,
    urgentShare: 0.6,
    patrol: true,
  },
  {
    categoryCode: '0401',
    title: '{place}下水道堵塞外溢',
    description: '{place}下水道堵塞，污水外溢到路面，气味很大，已持续{n}天。',
    weight: 5,
    urgentShare: 0.2,
    patrol: true,
  },
  {
    categoryCode: '0405',
    title: '{place}行道树断枝',
    description: '{place}一棵行道树有粗枝断裂挂在半空，下面是人行道，担心砸到人。',
    weight: 2,
    urgentShare: 0.5,
    patrol: true,
  },
  {
    categoryCode: '0501',
    title: '{place}频繁停电',
    description: '{place}这个月已经停电{n}次，没有提前通知，家里冰箱里的东西都坏了，请供电部门查一下原因。',
    weight: 4,
    urgentShare: 0.1,
    patrol: false,
  },
  {
    categoryCode: '0502',
    title: '{place}自来水压力不足',
    description: '{place}高层住户早晚用水高峰时水压很低，{n}楼以上基本没水，已经持续一周。',
    weight: 4,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '0503',
    title: '{place}闻到燃气异味',
    description: '{place}楼道里闻到明显的燃气味，住户担心漏气，请燃气公司马上派人检查。',
    weight: 1,
    urgentShare: 0.9,
    patrol: false,
  },
  {
    categoryCode: '0601',
    title: '{place}夜间施工噪音扰民',
    description: '{place}附近工地每天晚上十一点以后还在施工，噪音很大，老人孩子无法休息。',
    weight: 5,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '0602',
    title: '{place}垃圾未及时清运',
    description: '{place}垃圾收集点的垃圾已经{n}天没有清运，堆满溢出，天气热了有异味。',
    weight: 6,
    urgentShare: 0,
    patrol: true,
  },
  {
    categoryCode: '0603',
    title: '{place}小作坊排放污水',
    description: '{place}有一家小作坊把污水直接排进溪沟，水面发黑，请环保部门查处。',
    weight: 2,
    urgentShare: 0.1,
    patrol: true,
  },
  {
    categoryCode: '0701',
    title: '{place}屋后边坡出现裂缝',
    description: '{place}居民屋后边坡出现新裂缝，最近下雨后有碎石掉落，担心发生垮塌，请派人查看。',
    weight: 2,
    urgentShare: 0.8,
    patrol: true,
  },
  {
    categoryCode: '0702',
    title: '{place}道路边坡滑塌',
    description: '{place}村道一段边坡滑塌，泥土占了半边路，车辆通行困难。',
    weight: 2,
    urgentShare: 0.5,
    patrol: true,
  },
  {
    categoryCode: '0801',
    title: '{place}公交车班次太少',
    description: '{place}到城区的公交车早上只有{n}班，上班上学的人挤不上，希望增加班次。',
    weight: 2,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '0802',
    title: '{place}路口车辆乱停乱放',
    description: '{place}路口车辆乱停乱放，经常堵塞，消防车都进不去，希望加强管理。',
    weight: 3,
    urgentShare: 0,
    patrol: true,
  },
  {
    categoryCode: '0902',
    title: '{place}小区物业不作为',
    description: '{place}小区电梯坏了{n}天物业还没修，楼上老人下不了楼，物业一直推脱。',
    weight: 4,
    urgentShare: 0.1,
    patrol: false,
  },
  {
    categoryCode: '0901',
    title: '{place}房产证迟迟办不下来',
    description: '{place}安置房交房多年，房产证一直办不下来，涉及好几十户，希望相关部门给个说法。',
    weight: 2,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '1001',
    title: '{place}邻里因漏水发生纠纷',
    description: '{place}楼上住户家漏水到楼下，双方协商不成，发生争吵，希望社区出面调解。',
    weight: 3,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '1003',
    title: '{place}土地边界纠纷',
    description: '{place}两户村民因承包地边界发生争执，多次协商未果，担心矛盾激化。',
    weight: 2,
    urgentShare: 0.1,
    patrol: true,
  },
  {
    categoryCode: '1101',
    title: '{place}出租屋存在治安隐患',
    description: '{place}有一处出租屋人员进出频繁，周边居民担心治安问题，请派出所关注。',
    weight: 1,
    urgentShare: 0.2,
    patrol: true,
  },
  {
    categoryCode: '1201',
    title: '{place}电动车楼道充电',
    description: '{place}有住户把电动车推进楼道充电，存在火灾隐患，劝说无效。',
    weight: 3,
    urgentShare: 0.3,
    patrol: true,
  },
  {
    categoryCode: '1202',
    title: '{place}消防通道被占用',
    description: '{place}小区消防通道被杂物和车辆长期占用，存在安全隐患。',
    weight: 2,
    urgentShare: 0.2,
    patrol: true,
  },
  {
    categoryCode: '0102',
    title: '医保报销咨询',
    description: '家住{place}，去年住院的费用医保报销一直没到账，想问一下进度和需要补充的材料。',
    weight: 3,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '0101',
    title: '养老金领取资格认证',
    description: '家住{place}的老人行动不便，无法到现场做养老金资格认证，询问能否上门办理。',
    weight: 3,
    urgentShare: 0,
    patrol: false,
  },
  {
    categoryCode: '0202',
    title: '拖欠工资',
    description: '在{place}附近工地做工，老板拖欠{n}个月工资未付，工友们多次讨要无果。',
    weight: 3,
    urgentShare: 0.2,
    patrol: false,
  },
  {
    categoryCode: '1402',
    title: '{place}村饮水困难',
    description: '{place}几户村民的饮用水管道破裂，已经{n}天没有自来水，需要尽快抢修。',
    weight: 2,
    urgentShare: 0.5,
    patrol: true,
  },
];

const CHANNELS = ['hotline', 'hotline', 'hotline', 'liaison_point', 'wechat', 'web', 'sms', 'mayor_mailbox'] as const;

export interface DraftCase {
  categoryCode: string;
  title: string;
  description: string;
  urgency: 'normal' | 'urgent';
  channel: (typeof CHANNELS)[number] | 'patrol';
}

/** A request as a resident (or, `patrol`, a grid worker) would file it, about `place`. */
export function draftCase(random: Random, place: string, patrol: boolean): DraftCase {
  const candidates = CASE_TEMPLATES.filter((template) => !patrol || template.patrol);
  const total = candidates.reduce((sum, template) => sum + template.weight, 0);
  let pick = random() * total;
  let template = candidates[0]!;
  for (const candidate of candidates) {
    pick -= candidate.weight;
    if (pick <= 0) {
      template = candidate;
      break;
    }
  }
  const fill = (text: string) => text.replaceAll('{place}', place).replaceAll('{n}', String(2 + Math.floor(random() * 4)));
  return {
    categoryCode: template.categoryCode,
    title: fill(template.title).slice(0, 100),
    description: fill(template.description),
    urgency: random() < template.urgentShare ? 'urgent' : 'normal',
    channel: patrol ? 'patrol' : CHANNELS[Math.floor(random() * CHANNELS.length)]!,
  };
}
