// The design page's 3D view: both insoles (STL from the server), coloured by thickness.
import * as THREE from "three";
import { OrbitControls } from "/static/vendor/three-0.187.0/OrbitControls.js";
import { STLLoader } from "/static/vendor/three-0.187.0/STLLoader.js";

const box = document.getElementById("viewer");
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(window.devicePixelRatio);
box.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0xf4f6f9);
const camera = new THREE.PerspectiveCamera(35, 1, 1, 5000);
camera.up.set(0, 0, 1);
camera.position.set(0, -420, 380);
const controls = new OrbitControls(camera, renderer.domElement);
scene.add(new THREE.HemisphereLight(0xffffff, 0x8899aa, 2.2));
const sun = new THREE.DirectionalLight(0xffffff, 1.6);
sun.position.set(-200, -300, 500);
scene.add(sun);
const group = new THREE.Group();
scene.add(group);
const loader = new STLLoader();

function size() {
  const w = box.clientWidth, h = Math.max(320, Math.round(w * 0.62));
  renderer.setSize(w, h);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
}
window.addEventListener("resize", size);
size();

// Thickness colours: the height of each vertex above the floor (z = 0), pale blue low to deep blue high.
function colour(geometry, on) {
  const z = geometry.attributes.position;
  const colours = new Float32Array(z.count * 3);
  let top = 1;
  for (let i = 0; i < z.count; i++) top = Math.max(top, z.getZ(i));
  const low = new THREE.Color(0xcfe3f1), high = new THREE.Color(0x1f5f8b), c = new THREE.Color();
  for (let i = 0; i < z.count; i++) {
    c.copy(low).lerp(high, on ? Math.min(1, z.getZ(i) / top) : 0.35);
    colours.set([c.r, c.g, c.b], 3 * i);
  }
  geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
}

async function load(token, sides) {
  const meshes = await Promise.all(sides.map(async (side) => {
    const geometry = await loader.loadAsync(`/previews/${token}/${side}.stl`);
    colour(geometry, document.getElementById("colour").checked);
    const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.8 }));
    mesh.userData.side = side;
    return mesh;
  }));
  group.clear();
  // Side by side, toes up the screen: the library's frame has toes toward +x.
  meshes.forEach((mesh) => {
    mesh.rotation.z = Math.PI / 2;
    mesh.position.x = mesh.userData.side === "left" ? -70 : 70;
    mesh.position.y = -140;
    group.add(mesh);
  });
  box.dataset.loaded = `${token}:${sides.join(",")}`;  // the browser tests wait for this
}

document.getElementById("colour").addEventListener("change", (e) => {
  group.children.forEach((m) => colour(m.geometry, e.target.checked));
});

document.body.addEventListener("htmx:afterSwap", (e) => {
  if (e.detail.target.id !== "preview") return;
  const data = document.getElementById("stl-data");
  if (!data) return;
  load(data.dataset.token, data.dataset.sides.split(","));
  // Each empty control shows the value the profile and the rules give (left / right when they differ).
  const sides = JSON.parse(data.dataset.params);
  document.querySelectorAll("#design-form input[name^='p.']").forEach((input) => {
    const name = input.name.slice(2);
    const values = Object.values(sides).map((d) => d.params[name]).filter((v) => v !== undefined);
    const shown = [...new Set(values.map((v) => String(Math.round(v * 100) / 100)))];
    input.placeholder = shown.length ? shown.join(" / ") : "rule";
  });
});

renderer.setAnimationLoop(() => { controls.update(); renderer.render(scene, camera); });
