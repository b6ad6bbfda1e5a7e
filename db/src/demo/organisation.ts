/**
 * The demo's organisation: the command center, leader offices, ~80 district
 * departments, a service centre per town, a station per village, liaison
 * points (联系点) across the villages, and demo users for every role.
 */
import type { LadderLevel, Role, UnitKind } from '@minqing/shared';
import type { Random } from './random.ts';

export interface DemoUnit {
  code: string;
  name: string;
  kind: UnitKind;
  ladderLevel: LadderLevel;
  regionCode: string;
  parentCode: string | null;
  leaderCode: string | null;
  /** Longitude/latitude, for units with a place (liaison points, stations). */
  location: [number, number] | null;
  phone: string;
}

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  unitCode: string | null;
  regionCode: string;
  phone: string;
}

/** Leaders in charge (分管领导, L4) and what they look after. */
export const LEADER_OFFICES = [
  { code: 'L4-01', name: '常务副区长（分管发展改革、财政）' },
  { code: 'L4-02', name: '副区长（分管城乡建设、城市管理）' },
  { code: 'L4-03', name: '副区长（分管农业农村、水利、移民）' },
  { code: 'L4-04', name: '副区长（分管人力社保、民政、卫生健康）' },
  { code: 'L4-05', name: '副区长（分管公安、司法、信访）' },
  { code: 'L4-06', name: '副区长（分管经济、商务、市场监管）' },
  { code: 'L4-07', name: '副区长（分管教育、文化旅游、体育）' },
  { code: 'L4-08', name: '副区长（分管交通、规划自然资源、生态环境）' },
] as const;

/** 83 district departments (区级部门) and the leader office each answers to. */
export const DEPARTMENTS: readonly [string, string][] = [
  ['区发展改革委', 'L4-01'],
  ['区财政局', 'L4-01'],
  ['区统计局', 'L4-01'],
  ['区审计局', 'L4-01'],
  ['区税务局', 'L4-01'],
  ['区国资委', 'L4-01'],
  ['区机关事务局', 'L4-01'],
  ['区大数据发展局', 'L4-01'],
  ['区政务服务管理办', 'L4-01'],
  ['区金融发展中心', 'L4-01'],
  ['区住房城乡建委', 'L4-02'],
  ['区城市管理局', 'L4-02'],
  ['区住房管理局', 'L4-02'],
  ['区不动产登记中心', 'L4-02'],
  ['区住房公积金中心', 'L4-02'],
  ['区市政设施管理处', 'L4-02'],
  ['区环境卫生管理处', 'L4-02'],
  ['区园林绿化管理处', 'L4-02'],
  ['区路灯管理所', 'L4-02'],
  ['区排水有限公司', 'L4-02'],
  ['区自来水公司', 'L4-02'],
  ['区燃气公司', 'L4-02'],
  ['国网万州供电公司', 'L4-02'],
  ['区物业管理办公室', 'L4-02'],
  ['区人防办', 'L4-02'],
  ['区农业农村委', 'L4-03'],
  ['区水利局', 'L4-03'],
  ['区林业局', 'L4-03'],
  ['区移民局', 'L4-03'],
  ['区乡村振兴局', 'L4-03'],
  ['区供销合作社', 'L4-03'],
  ['区粮食和物资储备局', 'L4-03'],
  ['区畜牧兽医中心', 'L4-03'],
  ['区农业综合执法支队', 'L4-03'],
  ['区人力社保局', 'L4-04'],
  ['区社会保险事务中心', 'L4-04'],
  ['区就业和人才中心', 'L4-04'],
  ['区民政局', 'L4-04'],
  ['区卫生健康委', 'L4-04'],
  ['区医疗保障局', 'L4-04'],
  ['区疾病预防控制中心', 'L4-04'],
  ['区退役军人事务局', 'L4-04'],
  ['区残联', 'L4-04'],
  ['区妇联', 'L4-04'],
  ['区总工会', 'L4-04'],
  ['区红十字会', 'L4-04'],
  ['区医疗保障事务中心', 'L4-04'],
  ['区公安局', 'L4-05'],
  ['区交巡警支队', 'L4-05'],
  ['区司法局', 'L4-05'],
  ['区信访办', 'L4-05'],
  ['区应急管理局', 'L4-05'],
  ['区消防救援支队', 'L4-05'],
  ['区矛盾纠纷调处中心', 'L4-05'],
  ['区法律援助中心', 'L4-05'],
  ['区经济信息委', 'L4-06'],
  ['区商务委', 'L4-06'],
  ['区市场监管局', 'L4-06'],
  ['区科技局', 'L4-06'],
  ['区招商投资促进局', 'L4-06'],
  ['区安全生产监督管理站', 'L4-06'],
  ['区烟草专卖局', 'L4-06'],
  ['区消费者权益保护委员会', 'L4-06'],
  ['区教委', 'L4-07'],
  ['区文化旅游委', 'L4-07'],
  ['区体育局', 'L4-07'],
  ['团区委', 'L4-07'],
  ['区广播电视台', 'L4-07'],
  ['区图书馆', 'L4-07'],
  ['区教育考试中心', 'L4-07'],
  ['区旅游质量监督所', 'L4-07'],
  ['区文化市场综合执法支队', 'L4-07'],
  ['区交通局', 'L4-08'],
  ['区规划自然资源局', 'L4-08'],
  ['区生态环境局', 'L4-08'],
  ['区公交集团', 'L4-08'],
  ['区公路事务中心', 'L4-08'],
  ['区港航事务中心', 'L4-08'],
  ['区地质灾害防治中心', 'L4-08'],
  ['区气象局', 'L4-08'],
  ['区征地事务中心', 'L4-08'],
  ['区运输管理处', 'L4-08'],
  ['区生态环境保护综合执法支队', 'L4-08'],
];

/** Demo users documented in the README: username, name, role, unit code, region level. */
export const DEMO_PASSWORD = 'minqing2026';

const SURNAMES = '王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林谭向冉熊牟蒲邓彭曾谢'.split('');
const GIVEN = '明华建国军平红英芳敏静丽强伟勇涛斌洪波玉兰桂梅春燕秀云海林德福贵荣文武成志'.split('');

export function personName(random: Random): string {
  const length = random.next() < 0.7 ? 2 : 1;
  return random.pick(SURNAMES) + Array.from({ length }, () => random.pick(GIVEN)).join('');
}

export function phoneNumber(random: Random): string {
  return `1${random.pick(['33', '35', '36', '38', '39', '50', '51', '58', '77', '80', '86', '89'])}${String(random.integer(0, 99_999_999)).padStart(8, '0')}`;
}
