import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n, storedLocale } from './i18n/index.ts';
import { createAppRouter } from './router.ts';
import './styles.css';

const locale = storedLocale(window.localStorage);
document.documentElement.lang = locale;

createApp(App).use(createAppI18n(locale)).use(createAppRouter()).mount('#app');
