// Hardware, OS and people tables the seed draws from. Model names follow Jamf's inventory
// strings; identifiers and OS builds are Apple's. Names are invented.

export interface MacModel {
  model: string;
  modelIdentifier: string;
  appleSilicon: boolean;
  /** Desktops have Ethernet on en0, so Jamf's macAddress is Ethernet and altMacAddress is Wi-Fi. */
  desktop: boolean;
  /** Apple-silicon chip id used in the provisioning UDID ("0000" + chip). */
  chip: string;
}

export const MAC_MODELS: readonly MacModel[] = [
  { model: 'MacBook Air (M2, 2022)', modelIdentifier: 'Mac14,2', appleSilicon: true, desktop: false, chip: '8112' },
  { model: 'MacBook Air (13-inch, M3, 2024)', modelIdentifier: 'Mac15,12', appleSilicon: true, desktop: false, chip: '8122' },
  { model: 'MacBook Pro (14-inch, 2023)', modelIdentifier: 'Mac14,9', appleSilicon: true, desktop: false, chip: '6020' },
  { model: 'MacBook Pro (16-inch, 2021)', modelIdentifier: 'MacBookPro18,1', appleSilicon: true, desktop: false, chip: '6000' },
  { model: '13-inch MacBook Pro (2020, Four Thunderbolt 3 ports)', modelIdentifier: 'MacBookPro16,2', appleSilicon: false, desktop: false, chip: '' },
  { model: '15-inch Retina MacBook Pro with TouchID (Mid 2017)', modelIdentifier: 'MacBookPro14,3', appleSilicon: false, desktop: false, chip: '' },
  { model: 'Mac mini (M2, 2023)', modelIdentifier: 'Mac14,3', appleSilicon: true, desktop: true, chip: '8112' },
  { model: 'iMac (24-inch, M1, 2021)', modelIdentifier: 'iMac21,1', appleSilicon: true, desktop: true, chip: '8103' },
  { model: 'Mac Studio (M2 Max, 2023)', modelIdentifier: 'Mac14,13', appleSilicon: true, desktop: true, chip: '6021' },
  { model: 'Mac Pro (2019)', modelIdentifier: 'MacPro7,1', appleSilicon: false, desktop: true, chip: '' },
  { model: 'Mac mini (2018)', modelIdentifier: 'Macmini8,1', appleSilicon: false, desktop: true, chip: '' },
];

export interface OsRelease {
  version: string;
  build: string;
}

export const MACOS_RELEASES: readonly OsRelease[] = [
  { version: '15.3.2', build: '24D81' },
  { version: '15.1', build: '24B83' },
  { version: '14.7.1', build: '23H222' },
  { version: '14.6.1', build: '23G93' },
  { version: '13.7.1', build: '22H221' },
];

export interface MobileModel {
  model: string;
  modelIdentifier: string;
  modelNumber: string;
  type: 'ios' | 'tvos';
  /** "" for pre-A12 devices, whose UDID is 40 lower-case hex; otherwise the chip id of a 8-16 UDID. */
  chip: string;
}

export const MOBILE_MODELS: readonly MobileModel[] = [
  { model: 'iPad (10th generation)', modelIdentifier: 'iPad13,18', modelNumber: 'MPQ03LL', type: 'ios', chip: '8101' },
  { model: 'iPad Air (5th generation)', modelIdentifier: 'iPad13,16', modelNumber: 'MM9C3LL', type: 'ios', chip: '8103' },
  { model: 'iPad 7th Generation (Wi-Fi)', modelIdentifier: 'iPad7,11', modelNumber: 'MW742LL', type: 'ios', chip: '' },
  { model: 'iPhone 15', modelIdentifier: 'iPhone15,4', modelNumber: 'MTLW3LL', type: 'ios', chip: '8120' },
  { model: 'iPhone 14', modelIdentifier: 'iPhone14,7', modelNumber: 'MPUF3LL', type: 'ios', chip: '8110' },
  { model: 'iPhone 13', modelIdentifier: 'iPhone14,5', modelNumber: 'MLMF3LL', type: 'ios', chip: '8110' },
  { model: 'iPhone SE (2nd generation)', modelIdentifier: 'iPhone12,8', modelNumber: 'MX9N2LL', type: 'ios', chip: '8030' },
  { model: 'Apple TV 4K', modelIdentifier: 'AppleTV6,2', modelNumber: 'MQD22LL', type: 'tvos', chip: '' },
];

export const IOS_RELEASES: readonly OsRelease[] = [
  { version: '18.1', build: '22B83' },
  { version: '17.6.1', build: '21G93' },
  { version: '17.5.1', build: '21F90' },
];

export const TVOS_RELEASES: readonly OsRelease[] = [{ version: '17.5', build: '21L569' }];

// Disjoint OUI pools per role so two roles can never produce the same MAC.
export const OUI = {
  macEthernet: ['00:3E:E1', '3C:07:54', 'AC:87:A3'],
  macWifi: ['78:4F:43', '88:E9:FE', 'F0:18:98'],
  mobileWifi: ['C4:84:66', 'A4:83:E7', '14:98:77'],
  mobileBluetooth: ['AC:BC:32', '00:25:00', '60:33:4B'],
} as const;

export const COMPUTER_SERIAL_PREFIX = 'C02';
export const MOBILE_SERIAL_PREFIXES = ['DMP', 'DMQ', 'F9F', 'GG7', 'DLX', 'F4K'] as const;
/** Apple serial alphabet: digits and letters without I and O. */
export const SERIAL_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

export const FIRST_NAMES = [
  'Anna', 'Ben', 'Chloe', 'Daniel', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kavya', 'Liam',
  'Maya', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera', 'Wei', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Andersen', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kowalski',
  'Lopez', 'Martin', 'Nakamura', 'Okafor', 'Patel', 'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Varga', 'Weber',
] as const;

/** Reserved for documentation (RFC 2606), so seeded e-mail addresses never reach a real domain. */
export const EMAIL_DOMAIN = 'example.com';
